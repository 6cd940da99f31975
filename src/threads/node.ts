/**
 * Node adapter: a worker_threads Worker as a Thread (owner's side), and a worker's
 * parentPort as an Endpoint (the thread's side, for its entry file).
 */
import type { MessagePort, Worker } from "node:worker_threads";
import { Thread, type Endpoint, type Reply } from "./thread.js";

export function nodeThread(worker: Worker, name: string): Thread {
  return new Thread({
    post: (message) => worker.postMessage(message),
    listen(onReply, onCrash) {
      worker.on("message", onReply);
      worker.on("error", onCrash);
      worker.on("exit", (code) => onCrash(new Error(`${name} exited with ${code}`)));
    },
    terminate: () => worker.terminate(),
  }, name);
}

export function nodeEndpoint(port: MessagePort): Endpoint {
  return { onMessage: (handle) => port.on("message", handle), post: (reply: Reply) => port.postMessage(reply) };
}
