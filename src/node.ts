/**
 * xenmm's Node-only parts (worker_threads, unix sockets): `import … from "xenmm/node"`.
 * Everything runtime-neutral is in the main entry.
 */
export { NodeWorkerPool } from "./engine/node-pool.js";
export { UnixSocketTransport } from "./xenstore/socket-transport.js";
export { connectUnix, type SocketClient } from "./xenstore/socket-client.js";
export { startRoles as startNodeRoles } from "./vmevent/workers/node-host.js";
