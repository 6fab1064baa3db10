// mangos_peer: one SP socket of mangos v3 (go.nanomsg.org/mangos/v3), driven from the command
// line the way nngcat is, so that edgemq's interop suite (conformance/interop) runs the same
// cases against it as against nngcat. The shared command line is described in
// conformance/peers/README-sp-peers.md; pynng_peer.py takes the same one.
//
// A run opens one socket (--req0, --rep0, ..., or a raw one: --xreq0, --xrep0, ...), listens
// (--listen URL) or dials (--dial URL, retried in the background until it connects), then
// plays its protocol's part: senders send --data (or --file) once, --count times or every
// --interval seconds; receivers print every message they get, one line each; REQ exits after
// its replies; everything else runs until it is killed.
//
// Raw sockets keep the SP header apart from the body (mangos' Message.Header and Message.Body):
// --header HEX is put on every message sent, and each message received is printed as
// "H:<header hex> <body>". --echo-header makes a raw REP or RESPONDENT answer with the header of
// the request it answers (what a device does). --contexts N runs N contexts of a cooked
// REQ/REP/SURVEYOR/RESPONDENT at once (mangos' Socket.OpenContext). --device-listen URL or
// --device-dial URL makes a raw socket one end of a device (mangos.Device): its raw counterpart
// (xreq0 for xrep0, ...) is connected there and messages are forwarded both ways.
package main

import (
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"go.nanomsg.org/mangos/v3"
	"go.nanomsg.org/mangos/v3/protocol/bus"
	"go.nanomsg.org/mangos/v3/protocol/pair"
	"go.nanomsg.org/mangos/v3/protocol/pair1"
	"go.nanomsg.org/mangos/v3/protocol/pub"
	"go.nanomsg.org/mangos/v3/protocol/pull"
	"go.nanomsg.org/mangos/v3/protocol/push"
	"go.nanomsg.org/mangos/v3/protocol/rep"
	"go.nanomsg.org/mangos/v3/protocol/req"
	"go.nanomsg.org/mangos/v3/protocol/respondent"
	"go.nanomsg.org/mangos/v3/protocol/sub"
	"go.nanomsg.org/mangos/v3/protocol/surveyor"
	"go.nanomsg.org/mangos/v3/protocol/xbus"
	"go.nanomsg.org/mangos/v3/protocol/xpair1"
	"go.nanomsg.org/mangos/v3/protocol/xrep"
	"go.nanomsg.org/mangos/v3/protocol/xreq"
	"go.nanomsg.org/mangos/v3/protocol/xrespondent"
	"go.nanomsg.org/mangos/v3/protocol/xsurveyor"
	_ "go.nanomsg.org/mangos/v3/transport/ipc"
	_ "go.nanomsg.org/mangos/v3/transport/tcp"
)

// openers maps each protocol flag to the mangos constructor of its socket.
var openers = map[string]func() (mangos.Socket, error){
	"req0": req.NewSocket, "rep0": rep.NewSocket, "push0": push.NewSocket,
	"pull0": pull.NewSocket, "pub0": pub.NewSocket, "sub0": sub.NewSocket,
	"pair0": pair.NewSocket, "pair1": pair1.NewSocket, "surveyor0": surveyor.NewSocket,
	"respondent0": respondent.NewSocket, "bus0": bus.NewSocket,
	"xreq0": xreq.NewSocket, "xrep0": xrep.NewSocket, "xpair1": xpair1.NewSocket,
	"xsurveyor0": xsurveyor.NewSocket, "xrespondent0": xrespondent.NewSocket,
	"xbus0": xbus.NewSocket,
}

type topics []string

func (t *topics) String() string     { return strings.Join(*t, ",") }
func (t *topics) Set(v string) error { *t = append(*t, v); return nil }

type config struct {
	proto      string
	listen     string
	dial       string
	data       []byte
	format     string // quoted, hex or raw
	interval   time.Duration
	count      int
	subscribe  topics
	header     []byte
	echoHeader bool
	echo       bool
	contexts   int
	surveyTime time.Duration
	devListen  string
	devDial    string
}

// counterparts names the other end of a device for each raw protocol.
var counterparts = map[string]string{
	"xrep0": "xreq0", "xreq0": "xrep0", "xrespondent0": "xsurveyor0", "xsurveyor0": "xrespondent0",
	"xpair1": "xpair1", "xbus0": "xbus0",
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "mangos_peer: "+format+"\n", args...)
	os.Exit(2)
}

func parse() *config {
	c := &config{}
	chosen := map[string]*bool{}
	for name := range openers {
		chosen[name] = flag.Bool(name, false, "use the "+name+" protocol")
	}
	flag.StringVar(&c.listen, "listen", "", "listen on this URL")
	flag.StringVar(&c.dial, "dial", "", "dial this URL (asynchronously, retrying)")
	data := flag.String("data", "", "the message to send")
	file := flag.String("file", "", "send the contents of this file")
	quoted := flag.Bool("quoted", false, "print received messages quoted (C escapes)")
	hexOut := flag.Bool("hex", false, "print received messages as quoted \\xNN escapes")
	rawOut := flag.Bool("raw", false, "write received bodies as they are, no newline")
	interval := flag.Float64("interval", 0, "seconds between repeated sends (0: no repeat)")
	flag.IntVar(&c.count, "count", 0, "send this many times (0: once, or forever with --interval)")
	flag.Var(&c.subscribe, "subscribe", "SUB topic prefix (repeatable)")
	header := flag.String("header", "", "raw sockets: SP header (hex) put on each message sent")
	flag.BoolVar(&c.echoHeader, "echo-header", false, "raw REP/RESPONDENT: answer with the request's header")
	flag.BoolVar(&c.echo, "echo", false, "answers are --data followed by the request's body")
	flag.IntVar(&c.contexts, "contexts", 0, "cooked REQ/REP/SURVEYOR/RESPONDENT: run N contexts")
	surveyTime := flag.Float64("survey-time", 0, "SURVEYOR deadline in seconds (default: 1)")
	flag.StringVar(&c.devListen, "device-listen", "", "raw sockets: a device, its other end listening here")
	flag.StringVar(&c.devDial, "device-dial", "", "raw sockets: a device, its other end dialing here")
	flag.Parse()
	for name, on := range chosen {
		if *on {
			if c.proto != "" {
				fail("two protocols: --%s and --%s", c.proto, name)
			}
			c.proto = name
		}
	}
	if c.proto == "" {
		fail("no protocol (--req0, --rep0, ...)")
	}
	if (c.listen == "") == (c.dial == "") {
		fail("exactly one of --listen and --dial")
	}
	c.data = []byte(*data)
	if *file != "" {
		b, err := os.ReadFile(*file)
		if err != nil {
			fail("%v", err)
		}
		c.data = b
	}
	switch {
	case *rawOut:
		c.format = "raw"
	case *hexOut:
		c.format = "hex"
	default:
		c.format = "quoted"
	}
	_ = quoted // quoted is the default format
	c.interval = time.Duration(*interval * float64(time.Second))
	h, err := hex.DecodeString(*header)
	if err != nil {
		fail("--header: %v", err)
	}
	c.header = h
	c.surveyTime = time.Second
	if c.interval > 0 && c.interval < c.surveyTime {
		c.surveyTime = c.interval // each survey ends before the next one starts
	}
	if *surveyTime > 0 {
		c.surveyTime = time.Duration(*surveyTime * float64(time.Second))
	}
	return c
}

var printLock sync.Mutex

// render writes bytes the way nngcat does: --quoted keeps printable ASCII and escapes the rest,
// --hex escapes every byte.
func render(b []byte, format string) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for _, c := range b {
		switch {
		case format == "hex":
			fmt.Fprintf(&sb, "\\x%02x", c)
		case c == '"' || c == '\\':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case c == '\n':
			sb.WriteString("\\n")
		case c == '\r':
			sb.WriteString("\\r")
		case c == '\t':
			sb.WriteString("\\t")
		case c >= 0x20 && c < 0x7f:
			sb.WriteByte(c)
		default:
			fmt.Fprintf(&sb, "\\x%02x", c)
		}
	}
	sb.WriteByte('"')
	return sb.String()
}

// show prints one received message; a raw socket's header goes first, as H:<hex>.
func (c *config) show(m *mangos.Message, raw bool) {
	printLock.Lock()
	defer printLock.Unlock()
	if c.format == "raw" && !raw {
		os.Stdout.Write(m.Body)
		return
	}
	line := render(m.Body, c.format)
	if raw {
		line = "H:" + hex.EncodeToString(m.Header) + " " + line
	}
	fmt.Println(line)
}

// outgoing is the next message to send: --data (or --file) under --header.
func (c *config) outgoing() *mangos.Message {
	m := mangos.NewMessage(len(c.data))
	m.Header = append(m.Header, c.header...)
	m.Body = append(m.Body, c.data...)
	return m
}

// answer is a REP's or RESPONDENT's reply to `in`: --data, then the request with --echo.
func (c *config) answer(in *mangos.Message) []byte {
	out := append([]byte{}, c.data...)
	if c.echo {
		out = append(out, in.Body...)
	}
	return out
}

// repeatSend sends --data once, --count times, or every --interval (up to --count), then
// returns; `send` reports whether to go on.
func (c *config) repeatSend(send func() bool) {
	for i := 0; c.count == 0 || i < c.count; i++ {
		if !send() {
			return
		}
		if c.interval > 0 {
			time.Sleep(c.interval)
		} else if c.count == 0 {
			return
		}
	}
}

// connect listens on `listen` or dials `dial` (in the background, retrying).
func connect(s mangos.Socket, listen, dial string) {
	_ = s.SetOption(mangos.OptionReconnectTime, 20*time.Millisecond)
	_ = s.SetOption(mangos.OptionMaxReconnectTime, 200*time.Millisecond)
	if listen != "" {
		if err := s.Listen(listen); err != nil {
			fail("listen %s: %v", listen, err)
		}
		return
	}
	if err := s.DialOptions(dial, map[string]interface{}{mangos.OptionDialAsynch: true}); err != nil {
		fail("dial %s: %v", dial, err)
	}
}

// runDevice connects the raw counterpart of `s` at --device-listen/--device-dial and forwards
// between the two until killed.
func runDevice(c *config, s mangos.Socket) {
	other, ok := counterparts[c.proto]
	if !ok {
		fail("--device-*: only with a raw protocol")
	}
	s2, err := openers[other]()
	if err != nil {
		fail("open %s: %v", other, err)
	}
	connect(s2, c.devListen, c.devDial)
	if err := mangos.Device(s, s2); err != nil {
		fail("device: %v", err)
	}
	untilKilled()
}

// printAll prints every message received, until the socket closes.
func printAll(c *config, recv func() (*mangos.Message, error), raw bool) {
	for {
		m, err := recv()
		if err != nil {
			return
		}
		c.show(m, raw)
		m.Free()
	}
}

func main() {
	c := parse()
	s, err := openers[c.proto]()
	if err != nil {
		fail("open %s: %v", c.proto, err)
	}
	raw := strings.HasPrefix(c.proto, "x")
	if c.proto == "sub0" {
		for _, t := range c.subscribe {
			if err := s.SetOption(mangos.OptionSubscribe, []byte(t)); err != nil {
				fail("subscribe: %v", err)
			}
		}
	}
	if c.proto == "surveyor0" {
		if err := s.SetOption(mangos.OptionSurveyTime, c.surveyTime); err != nil {
			fail("survey time: %v", err)
		}
	}
	connect(s, c.listen, c.dial)
	if c.devListen != "" || c.devDial != "" {
		runDevice(c, s)
	}
	if c.echo && (c.proto == "pair0" || c.proto == "pair1" || c.proto == "bus0") {
		// --echo on a pair or bus: answer each message as a REP would (--data, then the body)
		runRep(c, s)
		untilKilled()
	}
	switch c.proto {
	case "req0":
		runReq(c, s)
		return // the one REQ that exits by itself, with status 0
	case "rep0", "respondent0":
		runRep(c, s)
	case "surveyor0":
		runSurveyor(c, s)
	case "xrep0", "xrespondent0":
		for {
			m, err := s.RecvMsg()
			if err != nil {
				fail("recv: %v", err)
			}
			c.show(m, true)
			if c.echoHeader {
				out := mangos.NewMessage(0)
				out.Header = append(out.Header, m.Header...)
				out.Body = append(out.Body, c.answer(m)...)
				if err := s.SendMsg(out); err != nil {
					fail("send: %v", err)
				}
			}
			m.Free()
		}
	default:
		// the symmetric and one-way protocols: send if there is something to send, print what
		// comes in; run until killed
		if len(c.data) > 0 || len(c.header) > 0 {
			go c.repeatSend(func() bool { return s.SendMsg(c.outgoing()) == nil })
		}
		printAll(c, s.RecvMsg, raw)
	}
	untilKilled()
}

// untilKilled waits for SIGTERM or SIGINT (the test's kill) and exits with status 0.
func untilKilled() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	<-stop
	os.Exit(0)
}

// runReq: each exchange (or each context's, with --contexts) sends --data and prints the reply.
func runReq(c *config, s mangos.Socket) {
	if c.contexts == 0 {
		c.repeatSend(func() bool {
			if err := s.Send(c.data); err != nil {
				fail("send: %v", err)
			}
			m, err := s.RecvMsg()
			if err != nil {
				fail("recv: %v", err)
			}
			c.show(m, false)
			return true
		})
		return
	}
	var wg sync.WaitGroup
	for i := 0; i < c.contexts; i++ {
		ctx, err := s.OpenContext()
		if err != nil {
			fail("context: %v", err)
		}
		wg.Add(1)
		go func(i int, ctx mangos.Context) {
			defer wg.Done()
			if err := ctx.Send([]byte(fmt.Sprintf("%s %d", c.data, i))); err != nil {
				fail("context %d send: %v", i, err)
			}
			m, err := ctx.RecvMsg()
			if err != nil {
				fail("context %d recv: %v", i, err)
			}
			c.show(m, false)
		}(i, ctx)
	}
	wg.Wait()
}

// runRep answers every request (or survey) with --data, on --contexts contexts at once.
func runRep(c *config, s mangos.Socket) {
	serve := func(recv func() (*mangos.Message, error), send func([]byte) error) {
		for {
			m, err := recv()
			if err != nil {
				return
			}
			c.show(m, false)
			if err := send(c.answer(m)); err != nil {
				return
			}
			m.Free()
		}
	}
	if c.contexts == 0 {
		serve(s.RecvMsg, s.Send)
		return
	}
	for i := 0; i < c.contexts; i++ {
		ctx, err := s.OpenContext()
		if err != nil {
			fail("context: %v", err)
		}
		go serve(ctx.RecvMsg, ctx.Send)
	}
}

// runSurveyor sends a survey (every --interval) and prints the responses until its deadline.
func runSurveyor(c *config, s mangos.Socket) {
	c.repeatSend(func() bool {
		if err := s.Send(c.data); err != nil {
			fail("send: %v", err)
		}
		for {
			m, err := s.RecvMsg()
			if err != nil {
				return true // the deadline passed (mangos.ErrProtoState)
			}
			c.show(m, false)
			m.Free()
		}
	})
}
