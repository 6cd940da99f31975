/**
 * xenstored, public surface (runtime-neutral: nothing here imports Node). The unix
 * socket transport and client are Node-only: "./socket-transport.js", "./socket-client.js".
 */
export { XenstoreServer, LOG_LEVELS, CONTROL_HELP, type LogLevel, type ServerOptions } from "./server.js";
export { connectInProcess, type InProcessPeer } from "./inprocess-transport.js";
export { XsClient, XsReplyError } from "./client.js";
export { Hypervisor, DomctlLock, type DomainState, type DomainInfo, type Phase } from "./hypervisor.js";
export { simulateReleaseStorm, DEFAULT_QUERY_COST_US, DEFAULT_HOP_US, type StormParams, type StormRun } from "./release-storm.js";
export { runServerStorm } from "./storm-replay.js";
export { runInterfaceDemo } from "./interface-demo.js";
export { DESIGNS, INTERFACES, InterfaceLog, type Component, type Design, type InterfaceRole, type InterfaceUse } from "./interfaces.js";
export { Toolstack } from "./toolstack.js";
export { WATCH_EVENT_TIMEOUT_MS, type EventDrops } from "./output-queue.js";
export { MsgType, msgTypeName, type XsErrno } from "./constants.js";
export { encodeMessage, joinStrings, MessageFramer, type Message } from "./codec.js";
export { RingGuest } from "./ring-guest.js";
export { RingPage, EventChannel } from "./ring.js";
export { RingTransport, type GuestRing } from "./ring-transport.js";
