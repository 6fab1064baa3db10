/**
 * Priorities choose the local worker before the remote one: jobs go to the worker on the same
 * machine (here over ipc, send priority 1) while it can take them, and to the remote one (tcp,
 * the default priority 8) only when it cannot — here, once the local worker has stopped.
 *
 *   deno run -A examples/priorities.ts      or      bun examples/priorities.ts
 */
import { sp } from "../mod.ts";

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

const local = new sp.Pull();
await using remote = new sp.Pull();
const localUrl = `ipc:///tmp/edgemq-local-${Date.now()}.ipc`;
await local.listen(localUrl);
const { url: remoteUrl } = await remote.listen("tcp://127.0.0.1:0");

await using jobs = new sp.Push();
await jobs.dial(remoteUrl); // priority 8 (the default)
await jobs.dial(localUrl, { sendPriority: 1 });
while (jobs.stats.pipes < 2) await new Promise((r) => setTimeout(r, 5));

for (let i = 0; i < 3; i++) await jobs.send(`job ${i}`);
for (let i = 0; i < 3; i++) console.log(`local worker got "${text(await local.recv())}"`);

await local.close(); // the local worker stops: the next job goes to the remote one
while (jobs.stats.pipes > 1) await new Promise((r) => setTimeout(r, 5)); // once PUSH sees it gone
await jobs.send("job 3");
console.log(`remote worker got "${text(await remote.recv())}"`);
