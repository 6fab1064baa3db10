// The socket backend of a runtime that has no stream sockets for edgemq
// (browsers, Cloudflare workerd) or of another runtime's backend asked for by
// name. scripts/npm/finish.mjs copies it into the npm package, where the
// package.json "imports" conditions (#runtime/deno, #runtime/bun,
// #runtime/node) select it, so that a bundler never pulls node:net or a
// runtime's globals into such a build. inproc:// still works there; tcp://
// and ipc:// fail with ENOTSUP instead of a ReferenceError.
import { MqError } from "../../protocols/errors.js";

function unavailable() {
  return Promise.reject(
    new MqError("ENOTSUP", "no tcp or ipc sockets in this runtime (only inproc:// works here)"),
  );
}

/** @type {import("../_backend.js").SocketBackend} */
export const backend = {
  name: "node",
  connect: unavailable,
  listen: unavailable,
  removeFile: unavailable,
};
