/**
 * edgecat's usage text (`edgecat --help`).
 *
 * @module
 */

/**
 * The usage text, ending with a newline.
 *
 * @example
 * ```ts
 * import { USAGE } from "./_usage.ts";
 * console.log(USAGE.split("\n")[0]); // Usage: edgecat <type> <address>... [<format>] [<options>...] [<data>]
 * ```
 */
export const USAGE: string = `\
Usage: edgecat <type> <address>... [<format>] [<options>...] [<data>]

Sends and receives SP (nanomsg, NNG, mangos) and ZMTP (ZeroMQ) messages from the command line,
in the manner of nngcat and nanocat. Run it as \`deno run -A cli/edgecat.ts\` or \`bun cli/edgecat.ts\`.

<type>, exactly one:
  SP:    --req0 --rep0 --pub0 --sub0 --push0 --pull0 --pair0 --pair1 --surveyor0 --respondent0
         --bus0 (aliases --req --rep --pub --sub --push --pull --surveyor --respondent --bus;
         --pair is --pair1, --pair0 with --compat)
  ZMTP:  --zmq-req --zmq-rep --zmq-dealer --zmq-router --zmq-pub --zmq-sub --zmq-xpub
         --zmq-xsub --zmq-push --zmq-pull --zmq-pair
  Not supported yet (exit code 2): --zmq-stream

<address>, one or more; both spellings work with both families:
  --listen, --bind <url>        accept peers at tcp://host:port, ipc:///path or inproc://name
  --dial, --connect <url>       connect to a peer (in the background, reconnecting)
  --bind-local, -L <port>       the same as --listen tcp://127.0.0.1:<port>
  --connect-local, -l <port>    the same as --dial tcp://127.0.0.1:<port>
  --bind-ipc, -X <path>         the same as --listen ipc://<path>
  --connect-ipc, -x <path>      the same as --dial ipc://<path>

<format> of received messages, at most one (default: no output, as nngcat):
  --format <no|raw|ascii|quoted|hex|msgpack>
  --raw                         the bytes as they are, no delimiter
  --ascii, -A                   printable ASCII as is, other bytes as '.', a newline after each
  --quoted, -Q                  "C escapes: \\t \\n \\r \\" \\\\ \\xNN", one message per line
  --hex                         "\\x68\\x69", one message per line
  --msgpack                     a MessagePack bin per message (bin 8, 16 or 32)
  A ZMTP message of several frames stays on one line: quoted and hex frames are separated by a
  space ("a" "b"), ascii frames by a tab; msgpack writes an array of bins; raw writes the frames
  back to back.

<data> to send; SP takes one, ZMTP makes each one a frame, in order:
  --data, -D <text>             text (sent as UTF-8)
  --file, -F <path>             a file's bytes; - reads standard input

<options>:
  --count, -C <n>               messages to send (pub, push), exchanges (req), or messages to
                                receive (all others) before exiting; 0 = no limit
  --interval, -i <secs>         send again every <secs> (fractions allowed); without it a
                                sender sends once (or --count times, back to back)
  --delay, -d <secs>            wait <secs> before the first send
  --subscribe, --sub-topic <t>  (--sub0, --zmq-sub, --zmq-xsub) receive messages starting with
                                <t>; repeatable; none means everything
  --recv-timeout <secs>         stop receiving after <secs> without a message (exit code 0);
                                a reply that does not come in time is an error (exit code 1)
  --send-timeout <secs>         a message that cannot be sent in <secs> is an error
  --recv-maxsz, -Z <bytes>      drop peers that send larger messages; 0 = no limit
  --routing-id, --identity <id> (ZMTP) the routing id announced to peers
  --verbose, -v                 socket events (listening, connected, disconnected, ...) to stderr
  --compat                      --pair means --pair0, as in nanocat
  --async                       accepted for nngcat scripts: dials are always in the background
  --help, -h                    this text
  --version, -V                 the version

What each type does:
  pub, push             send the data (once, --count times, or every --interval), then exit
  sub, pull             print what arrives
  req                   send the data and print the reply (once, or every --interval)
  surveyor              send the data as a survey and print the answers until its deadline
                        (1 s; once, or every --interval)
  rep, respondent, zmq-rep
                        print each request (survey) and answer it with the data (SP rep and
                        respondent without data do not answer)
  zmq-router            print each message, routing id first; with data, answer it with its
                        envelope (the routing id, and up to the empty frame if there is one)
                        followed by the data
  pair, bus, zmq-pair, zmq-dealer, zmq-xpub, zmq-xsub
                        send the data (once, or every --interval) and print what arrives
  A value follows its option as the next argument, or after '=' or ':' (--data=hi); a one-letter
  option also takes it attached (-Dhi). Options are not abbreviated.

Exit codes: 0 done (sent, --count reached, or --recv-timeout passed), 1 error, 2 usage error
(including a socket type that is not supported yet).
`;
