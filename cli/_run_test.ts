/**
 * edgecat's program logic (cli/_run.ts) in this process, against edgemq sockets over inproc and
 * tcp: what it prints, what it sends, its exit codes and its error messages. The child-process
 * and live-peer cases are in edgecat_test.ts.
 *
 * @module
 */
import { test } from "../testing/test.ts";
import assert from "node:assert/strict";
import { sp, zmq } from "../mod.ts";
import { within } from "../testing/async.ts";
import { type CatIO, run } from "./_run.ts";

const dec = new TextDecoder();
let serial = 0;
const inproc = (): string => `inproc://edgecat-run-${++serial}-${Math.random()}`;

/** An in-memory CatIO: what was printed, the stderr lines, and files from a map. */
class MemoryIO implements CatIO {
  out: Uint8Array[] = [];
  err: string[] = [];
  constructor(readonly files: ReadonlyMap<string, Uint8Array> = new Map()) {}
  write(bytes: Uint8Array): Promise<void> {
    this.out.push(bytes.slice());
    return Promise.resolve();
  }
  error(line: string): void {
    this.err.push(line);
  }
  readFile(path: string): Promise<Uint8Array> {
    const bytes = this.files.get(path);
    return bytes === undefined ? Promise.reject(new Error("no such file")) : Promise.resolve(bytes);
  }
  get text(): string {
    return this.out.map((b) => dec.decode(b)).join("");
  }
}

test("a usage error prints the reason and a hint on stderr and exits with 2", async () => {
  const io = new MemoryIO();
  assert.equal(await run(["--req0", "--listen", "tcp://127.0.0.1:0"], io), 2);
  assert.deepEqual(io.err, [
    "edgecat: --req0 needs the message to send: --data or --file",
    "Try 'edgecat --help' for more information.",
  ]);
  assert.equal(io.text, "");
});

test("--help prints the usage on stdout, --version the package version; both exit with 0", async () => {
  const io = new MemoryIO();
  assert.equal(await run(["--help"], io), 0);
  assert.match(io.text, /^Usage: edgecat <type> <address>/);
  for (const flag of ["--zmq-router", "--surveyor0", "--msgpack", "--recv-timeout", "Exit codes"]) {
    assert.ok(io.text.includes(flag), `the usage mentions ${flag}`);
  }
  const v = new MemoryIO();
  assert.equal(await run(["-V"], v), 0);
  assert.match(v.text, /^edgecat [0-9]+\.[0-9]+\.[0-9]+ \(edgemq\)\n$/);
});

test("zmq-pull prints --count multipart messages, frames on one line, and exits with 0", async () => {
  const url = inproc();
  const io = new MemoryIO();
  const push = new zmq.Push();
  try {
    const cat = run(["--zmq-pull", "--bind", url, "--quoted", "--count", "2"], io);
    await push.connect(url);
    await push.send(["topic", "a\tb"]);
    await push.send("one");
    await push.send("never read");
    assert.equal(await within(5000, cat, "edgecat"), 0);
    assert.equal(io.text, '"topic" "a\\tb"\n"one"\n');
    assert.deepEqual(io.err, []);
  } finally {
    await push.close({ linger: 0 });
  }
});

test("pull with --recv-timeout ends after that long without a message, with 0", async () => {
  const io = new MemoryIO();
  const started = Date.now();
  assert.equal(await run(["--pull0", "--listen", inproc(), "--recv-timeout", "0.2", "-A"], io), 0);
  assert.ok(Date.now() - started >= 190, "waited for the timeout");
  assert.equal(io.text, "");
});

test("req whose reply does not come within --recv-timeout fails with 1 and says so", async () => {
  const io = new MemoryIO();
  const code = await run(
    ["--req0", "--dial", inproc(), "--data", "x", "--recv-timeout", "0.1", "-Q"],
    io,
  );
  assert.equal(code, 1);
  assert.deepEqual(io.err, ["edgecat: no reply within 0.1 s"]);
});

test("req sends the file's bytes and prints the reply; --count exchanges, --interval apart", async () => {
  const url = inproc();
  const file = new Uint8Array([0, 1, 2, 255]);
  const io = new MemoryIO(new Map([["/payload", file]]));
  const rep = new sp.Rep();
  try {
    await rep.listen(url);
    const started = Date.now();
    const cat = run(
      ["--req0", "--dial", url, "-F", "/payload", "--hex", "-C", "2", "-i", "0.1"],
      io,
    );
    for (const answer of ["first", "second"]) {
      assert.deepEqual(await within(5000, rep.recv(), "request"), file);
      await rep.send(answer);
    }
    assert.equal(await within(5000, cat, "edgecat"), 0);
    assert.ok(Date.now() - started >= 90, "the second exchange waited for the interval");
    assert.equal(io.text, '"\\x66\\x69\\x72\\x73\\x74"\n"\\x73\\x65\\x63\\x6f\\x6e\\x64"\n');
  } finally {
    await rep.close({ linger: 0 });
  }
});

test("an unreadable --file fails with 1 before any socket is made", async () => {
  const io = new MemoryIO();
  assert.equal(await run(["--push0", "--dial", inproc(), "--file", "/missing"], io), 1);
  assert.deepEqual(io.err, ["edgecat: cannot read /missing: no such file"]);
});

test("an address in use fails with 1 and the reason", async () => {
  const rep = new sp.Rep();
  try {
    const { url } = await rep.listen("tcp://127.0.0.1:0");
    const io = new MemoryIO();
    assert.equal(await run(["--rep0", "--listen", url], io), 1);
    assert.equal(io.err.length, 1);
    assert.match(io.err[0]!, /^edgecat: listen tcp:.* \(EADDRINUSE\)$/);
  } finally {
    await rep.close({ linger: 0 });
  }
});

test("zmq-router prints the routing id first and answers with the envelope and the data", async () => {
  const url = inproc();
  const io = new MemoryIO();
  const req = new zmq.Req({ routingId: "client-7" });
  try {
    const cat = run(["--zmq-router", "--bind", url, "-Q", "-C", "1", "-D", "r1", "-D", "r2"], io);
    await req.connect(url);
    await req.send("question");
    const reply = await within(5000, req.recv(), "the router's answer");
    assert.deepEqual(reply.map((f) => dec.decode(f)), ["r1", "r2"]);
    assert.equal(await within(5000, cat, "edgecat"), 0);
    assert.equal(io.text, '"client-7" "" "question"\n');
  } finally {
    await req.close({ linger: 0 });
  }
});

test("pair sends its data and prints what arrives until --count; verbose events on stderr", async () => {
  const url = inproc();
  const io = new MemoryIO();
  const pair = new sp.Pair1();
  try {
    const cat = run(["--pair1", "--listen", url, "-D", "from edgecat", "-A", "-C", "1", "-v"], io);
    await pair.dial(url);
    assert.equal(dec.decode(await within(5000, pair.recv(), "edgecat's data")), "from edgecat");
    await pair.send("from test\n");
    assert.equal(await within(5000, cat, "edgecat"), 0);
    assert.equal(io.text, "from test.\n");
    assert.equal(io.err[0], `edgecat: listening url=${url}`);
    assert.equal(io.err.at(-1), "edgecat: closed");
  } finally {
    await pair.close({ linger: 0 });
  }
});

test("zmq-sub subscribes to everything by default, to --subscribe prefixes otherwise", async () => {
  for (
    const [topics, expected] of [[[], '"a" "1"\n"b" "2"\n'], [["b"], '"b" "2"\n"b" "3"\n']] as const
  ) {
    const url = inproc();
    const io = new MemoryIO();
    const pub = new zmq.Pub();
    try {
      await pub.bind(url);
      const subscribe = topics.flatMap((t) => ["--subscribe", t]);
      const cat = run(["--zmq-sub", "--connect", url, ...subscribe, "-Q", "-C", "2"], io);
      // publish until edgecat has printed two messages (it joins a moment after starting)
      for (let i = 0; io.out.length < 2 && i < 500; i++) {
        await pub.send(["a", "1"]);
        await pub.send(["b", "2"]);
        await pub.send(["b", "3"]);
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.equal(await within(5000, cat, "edgecat"), 0);
      assert.equal(io.text, expected);
    } finally {
      await pub.close({ linger: 0 });
    }
  }
});

test("an aborted session closes its socket and exits with 1, saying why", async () => {
  const io = new MemoryIO();
  const stop = new AbortController();
  const cat = run(["--zmq-pull", "--bind", inproc(), "-Q"], io, stop.signal);
  setTimeout(() => stop.abort(new Error("interrupted")), 50);
  assert.equal(await within(5000, cat, "edgecat"), 1);
  assert.deepEqual(io.err, ["edgecat: interrupted"]);
});
