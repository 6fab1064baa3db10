// Type-checked by run.sh against the installed package's .d.ts files, as a
// TypeScript user on Node would compile it (module and moduleResolution nodenext).
import { MqError, type SocketOptions, sp, zmq } from "edgemq";

const options: SocketOptions = { recvTimeout: 1000 };
const req: sp.Req = new sp.Req(options);
const dealer = new zmq.Dealer({ routingId: "me" });
const frames: Promise<Uint8Array[]> = dealer.recv();
const bytes: Promise<Uint8Array> = req.recv();
const code: string = new MqError("EINVAL", "x").code;
export { bytes, code, frames };
