/**
 * edgecat as a program: run as a child process by the runtime running this file (`deno run -A
 * cli/edgecat.ts` under Deno, `bun cli/edgecat.ts` under Bun), next to the real tools: nngcat
 * (NNG 1.5.2) and nanocat (nanomsg) on the SP side, pyzmq (libzmq) on the ZMTP side. Checks what
 * each side printed, byte for byte, and the exit codes.
 *
 * SKIP policy, as the interop suites (conformance/interop/_peers.ts): a peer that is not
 * installed skips its cases with a loud `SKIPPED:` line, except when CI=true, where the cases
 * run and fail. Loopback only; every wait is bounded; every child is killed in a `finally`.
 *
 * @module
 */
import { test, type TestOptions } from "../testing/test.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import process from "node:process";
import { delay, until } from "../testing/async.ts";
import {
  DEADLINE,
  freePort,
  IN_CI,
  ON_DENO,
  peerCaseOptions,
  PeerProcess,
  removeFile,
  requirePeer,
  scratchFile,
} from "../conformance/interop/_peers.ts";
import { findPython } from "../conformance/interop/_pyzmq.ts";

const CLI = join(import.meta.dirname ?? "cli", "edgecat.ts");

/** Starts edgecat with `args` on the runtime running this test. */
function edgecat(args: readonly string[]): PeerProcess {
  return new PeerProcess(process.execPath, ON_DENO ? ["run", "-A", CLI, ...args] : [CLI, ...args]);
}

/** Waits until edgecat (run with --verbose) says it listens. */
async function listening(cat: PeerProcess): Promise<void> {
  await until(
    () => cat.stderr.includes("edgecat: listening ") || cat.hasExited,
    DEADLINE * 2,
    `edgecat listening; ${cat.report()}`,
  );
  if (cat.hasExited) throw new Error(`edgecat ended before listening: ${cat.report()}`);
}

/** Runs `body` with the processes it starts, killing them all afterwards whatever happened. */
async function withProcesses(
  body: (start: (p: PeerProcess) => PeerProcess) => Promise<void>,
): Promise<void> {
  const started: PeerProcess[] = [];
  try {
    await body((p) => {
      started.push(p);
      return p;
    });
  } finally {
    await Promise.all(started.map((p) => p.kill()));
  }
}

/** Asserts that a process ended by itself with `code`. */
async function exitsWith(p: PeerProcess, code: number): Promise<void> {
  const exit = await p.waitForExit(DEADLINE * 2);
  assert.equal(exit.code, code, `exit ${JSON.stringify(exit)}; ${p.report()}`);
}

const tcp = async (): Promise<string> => `tcp://127.0.0.1:${await freePort()}`;

// ---- the program alone ----------------------------------------------------------------------

const ALONE: TestOptions = { timeout: 30_000 };

test(
  "edgecat: usage errors exit with 2 and say why on stderr; --help exits with 0",
  ALONE,
  async () => {
    await withProcesses(async (start) => {
      const bus = start(edgecat(["--zmq-stream", "--bind", "tcp://127.0.0.1:1"]));
      const unknown = start(edgecat(["--req0", "--dial", "tcp://127.0.0.1:1", "--frob"]));
      const help = start(edgecat(["--help"]));
      await exitsWith(bus, 2);
      assert.equal(bus.stdout, "");
      assert.match(
        bus.stderr,
        /^edgecat: --zmq-stream: this socket type is not supported yet by edgemq\n/,
      );
      await exitsWith(unknown, 2);
      assert.match(unknown.stderr, /^edgecat: unknown option --frob\nTry 'edgecat --help'/);
      await exitsWith(help, 0);
      assert.match(help.stdout, /^Usage: edgecat <type> <address>\.\.\. /);
      assert.equal(help.stderr, "");
    });
  },
);

test("edgecat: the file starts with a shebang that runs it with deno", async () => {
  const { readFileSync, statSync } = await import("node:fs");
  assert.equal(readFileSync(CLI, "utf8").split("\n")[0], "#!/usr/bin/env -S deno run -A");
  assert.ok((statSync(CLI).mode & 0o111) !== 0, "executable");
});

test(
  "edgecat to edgecat: --zmq-push with two frames, --zmq-pull printing them as msgpack",
  ALONE,
  async () => {
    const url = await tcp();
    await withProcesses(async (start) => {
      const pull = start(edgecat(["--zmq-pull", "--bind", url, "--msgpack", "-C", "1", "-v"]));
      await listening(pull);
      const push = start(edgecat(["--zmq-push", "--connect", url, "-D", "ab", "-D", ""]));
      await exitsWith(push, 0);
      await exitsWith(pull, 0);
      assert.equal(pull.stdout, "\x92\xc4\x02ab\xc4\x00"); // array of 2: bin "ab", bin ""
    });
  },
);

// ---- SP: nngcat and nanocat -------------------------------------------------------------------

/** Sends a file with `nngcat --push0 --dial`, again while the listener is not up yet. */
async function nngcatPush(
  start: (p: PeerProcess) => PeerProcess,
  nngcat: string,
  url: string,
  file: string,
): Promise<void> {
  for (let attempt = 1;; attempt++) {
    const push = start(new PeerProcess(nngcat, ["--push0", "--dial", url, "--file", file]));
    if ((await push.waitForExit(DEADLINE)).code === 0) return;
    if (attempt === 20) throw new Error(`nngcat could not push to ${url}: ${push.report()}`);
    await delay(100);
  }
}

test("nngcat --req0 asks, edgecat --rep0 --listen answers", peerCaseOptions("nngcat"), async () => {
  const nngcat = requirePeer("nngcat");
  const url = await tcp();
  await withProcesses(async (start) => {
    const rep = start(
      edgecat(["--rep0", "--listen", url, "-D", "ok\tdone", "--quoted", "-C", "1", "-v"]),
    );
    await listening(rep); // nngcat's dial fails at once when nobody listens
    const req = start(
      new PeerProcess(nngcat, ["--req0", "--dial", url, "--data", "why?", "--ascii"]),
    );
    await exitsWith(req, 0);
    await exitsWith(rep, 0);
    assert.equal(rep.stdout, '"why?"\n');
    // nngcat 1.5.2's ascii output: unprintable bytes as '.', and no newline after the message
    assert.equal(req.stdout.replace(/\n$/, ""), "ok.done");
  });
});

test(
  "edgecat --surveyor0 asks two nngcat --respondent0, prints both answers and exits after the deadline",
  peerCaseOptions("nngcat"),
  async () => {
    const nngcat = requirePeer("nngcat");
    const url = await tcp();
    await withProcesses(async (start) => {
      const surveyor = start(
        edgecat(["--surveyor0", "--listen", url, "-D", "who?", "--quoted", "-d", "1", "-v"]),
      );
      await listening(surveyor);
      const respondents = ["a", "b"].map((name) =>
        start(new PeerProcess(nngcat, ["--respondent0", "--dial", url, "-D", name, "--quoted"]))
      );
      await exitsWith(surveyor, 0); // one survey (after -d 1), answers until its 1 s deadline
      assert.deepEqual(surveyor.stdout.split("\n").filter((l) => l !== "").sort(), ['"a"', '"b"']);
      for (const r of respondents) {
        await r.waitForLines(1, DEADLINE, "nngcat printing the survey");
        assert.equal(r.stdout, '"who?"\n');
      }
    });
  },
);

test(
  "nngcat --bus0 and edgecat --bus0 hear each other",
  peerCaseOptions("nngcat"),
  async () => {
    const nngcat = requirePeer("nngcat");
    const url = await tcp();
    await withProcesses(async (start) => {
      // both repeat their message: a bus drops what it sends while nobody is connected
      const cat = start(
        edgecat(["--bus0", "--listen", url, "-D", "from edgecat", "-i", "0.2", "--quoted", "-v"]),
      );
      await listening(cat);
      const peer = start(
        new PeerProcess(nngcat, [
          "--bus0",
          "--dial",
          url,
          "-D",
          "from nngcat",
          "-i",
          "1",
          "--quoted",
        ]),
      );
      await cat.waitForLines(1, DEADLINE, "edgecat printing nngcat's message");
      assert.equal(cat.lines[0], '"from nngcat"');
      await peer.waitForLines(1, DEADLINE, "nngcat printing edgecat's message");
      assert.equal(peer.lines[0], '"from edgecat"');
    });
  },
);

test(
  "nngcat --rep0 --listen answers edgecat --req0 --dial",
  peerCaseOptions("nngcat"),
  async () => {
    const nngcat = requirePeer("nngcat");
    const url = await tcp();
    await withProcesses(async (start) => {
      const rep = start(
        new PeerProcess(nngcat, ["--rep0", "--listen", url, "-D", "42", "--quoted"]),
      );
      const req = start(edgecat(["--req0", "--dial", url, "--data", 'what "is" it?', "--quoted"]));
      await exitsWith(req, 0); // edgecat dials in the background, so nngcat may start second
      assert.equal(req.stdout, '"42"\n');
      assert.equal(req.stderr, "");
      await rep.waitForLines(1, DEADLINE, "nngcat printing the request");
      assert.equal(rep.stdout, '"what \\"is\\" it?"\n');
    });
  },
);

test(
  "edgecat prints any bytes exactly as nngcat does: raw, quoted, hex, msgpack",
  peerCaseOptions("nngcat"),
  async () => {
    const nngcat = requirePeer("nngcat");
    const everyByte = new Uint8Array(300).map((_, i) => i % 256);
    const file = scratchFile(everyByte);
    try {
      for (const format of ["raw", "quoted", "hex", "msgpack"]) {
        const [ours, theirs] = [await tcp(), await tcp()];
        await withProcesses(async (start) => {
          const cat = start(edgecat(["--pull0", "--listen", ours, `--${format}`, "-C", "1", "-v"]));
          const ref = start(
            new PeerProcess(nngcat, ["--pull0", "--listen", theirs, `--${format}`]),
          );
          await listening(cat);
          for (const url of [ours, theirs]) await nngcatPush(start, nngcat, url, file);
          await exitsWith(cat, 0);
          await ref.waitFor((p) => p.stdout.length >= cat.stdout.length, DEADLINE, "nngcat output");
          assert.ok(cat.stdout.length >= everyByte.length, `${format}: printed the message`);
          assert.equal(cat.stdout, ref.stdout, `${format}: same bytes as nngcat`);
        });
      }
    } finally {
      removeFile(file);
    }
  },
);

test(
  "edgecat --push0 --dial to nanocat --pull --bind: --count messages, in order",
  peerCaseOptions("nanocat"),
  async () => {
    const nanocat = requirePeer("nanocat");
    const url = await tcp();
    await withProcesses(async (start) => {
      const pull = start(new PeerProcess(nanocat, ["--pull", "--bind", url, "--quoted"]));
      const push = start(edgecat(["--push0", "--dial", url, "-D", "job\n1", "--count", "3"]));
      await exitsWith(push, 0);
      await pull.waitForLines(3, DEADLINE, "nanocat printing 3 messages");
      assert.equal(pull.stdout, '"job\\n1"\n'.repeat(3));
    });
  },
);

test(
  "nanocat --push --connect to edgecat --pull0 --listen, printed as hex",
  peerCaseOptions("nanocat"),
  async () => {
    const nanocat = requirePeer("nanocat");
    const url = await tcp();
    await withProcesses(async (start) => {
      const pull = start(edgecat(["--pull0", "--listen", url, "--hex", "-C", "2"]));
      start(
        new PeerProcess(nanocat, ["--push", "--connect", url, "-D", "hi!", "--interval", "0.1"]),
      );
      await exitsWith(pull, 0);
      assert.equal(pull.stdout, '"\\x68\\x69\\x21"\n'.repeat(2));
      assert.equal(pull.stderr, "");
    });
  },
);

// ---- ZMTP: pyzmq (libzmq) ---------------------------------------------------------------------

const python = findPython();
if (python === undefined && !IN_CI) {
  console.warn(
    "SKIPPED: edgecat's ZMTP cases: no python3 with the zmq module (apt-get install python3-zmq); " +
      "with CI=true this is a failure",
  );
}
const PYZMQ: TestOptions = python === undefined && !IN_CI
  ? { timeout: 30_000, skip: "python3-zmq not installed — SKIPPED" }
  : { timeout: 30_000 };

/** Starts `python3 -c script args...`; fails the case in CI when pyzmq is missing. */
function pyzmq(script: string, ...args: string[]): PeerProcess {
  if (python === undefined) {
    throw new Error(
      "python3-zmq is not installed but CI=true: the CI install of the peers is broken",
    );
  }
  return new PeerProcess(python, ["-c", script, ...args], { stdin: true });
}

/** A pyzmq REQ: sends the frames given, prints the reply's frames in hex joined by `|`. */
const PY_REQ = `
import sys, zmq
s = zmq.Context.instance().socket(zmq.REQ)
s.setsockopt(zmq.LINGER, 0)
s.setsockopt(zmq.RCVTIMEO, 10000)
s.connect(sys.argv[1])
s.send_multipart([f.encode() for f in sys.argv[2:]])
print("|".join(f.hex() for f in s.recv_multipart()), flush=True)
`;

/** A pyzmq PUB: binds, publishes [other, i] and [news, i] every 20 ms until stdin closes. */
const PY_PUB = `
import sys, zmq, threading
s = zmq.Context.instance().socket(zmq.PUB)
s.setsockopt(zmq.LINGER, 0)
s.bind(sys.argv[1])
done = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
i = 0
while not done.wait(0.02) and i < 1000:
    s.send_multipart([b"other", str(i).encode()])
    s.send_multipart([b"news", str(i).encode()])
    i += 1
`;

test("edgecat --zmq-rep --bind answers a pyzmq REQ with two frames", PYZMQ, async () => {
  const url = await tcp();
  await withProcesses(async (start) => {
    const rep = start(edgecat(["--zmq-rep", "--bind", url, "-D", "r1", "-D", "", "-Q", "-C", "1"]));
    const req = start(pyzmq(PY_REQ, url, "a", "b\n"));
    await exitsWith(req, 0);
    assert.equal(req.stdout, "7231|\n"); // "r1" and an empty frame
    await exitsWith(rep, 0);
    assert.equal(rep.stdout, '"a" "b\\n"\n');
  });
});

test(
  "edgecat --zmq-sub --connect --subscribe receives only its topic from a pyzmq PUB",
  PYZMQ,
  async () => {
    const url = await tcp();
    await withProcesses(async (start) => {
      const pub = start(pyzmq(PY_PUB, url));
      const sub = start(
        edgecat(["--zmq-sub", "--connect", url, "--subscribe", "news", "-Q", "-C", "3"]),
      );
      await exitsWith(sub, 0);
      const lines = sub.stdout.split("\n");
      assert.equal(lines.pop(), "", "ends with a newline");
      assert.equal(lines.length, 3);
      const numbers = lines.map((line) => {
        const m = /^"news" "([0-9]+)"$/.exec(line);
        assert.ok(m !== null, `a news message: ${JSON.stringify(line)}`);
        return Number(m[1]);
      });
      assert.deepEqual(numbers, [numbers[0], numbers[0]! + 1, numbers[0]! + 2]);
      pub.closeStdin();
    });
  },
);
