/**
 * Browser adapter: a Web Worker as a Thread (owner's side), and a worker's global scope
 * as an Endpoint (the thread's side, for its entry file). Posting shared memory to a worker
 * needs a cross-origin isolated page (COOP + COEP, as `xenmm serve` sends).
 */
import { Thread, type Endpoint, type Reply } from "./thread.js";

export function webThread(worker: Worker, name: string): Thread {
  return new Thread({
    post: (message) => worker.postMessage(message),
    listen(onReply, onCrash) {
      worker.onmessage = (e: MessageEvent<Reply>) => onReply(e.data);
      worker.onerror = (e) => onCrash(new Error(`${name} failed: ${e.message || "could not load"}`));
    },
    terminate: () => worker.terminate(),
  }, name);
}

/** The Web Worker's own scope (this module also typechecks under the DOM lib, not WebWorker). */
export function webEndpoint(): Endpoint {
  const scope = globalThis as unknown as { onmessage: ((e: MessageEvent) => void) | null; postMessage(m: Reply): void };
  return { onMessage: (handle) => { scope.onmessage = (e) => handle(e.data); }, post: (reply) => scope.postMessage(reply) };
}
