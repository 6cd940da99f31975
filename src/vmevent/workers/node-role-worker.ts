/**
 * Node adapter, worker side: a worker_threads entry that runs one role from roles.ts and
 * posts its result. (A Web Worker would do the same with `onmessage`/`postMessage`.)
 */
import { parentPort, workerData } from "node:worker_threads";
import { runRole, type RoleSpec } from "./roles.js";

parentPort!.postMessage(runRole(workerData as RoleSpec));
