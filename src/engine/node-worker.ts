/** Node worker_threads entry: instantiate over the shared memory, then run tasks on request. */
import { parentPort, workerData } from "node:worker_threads";
import { instantiateEngine } from "./wasm.js";
import { arriveAndWait, runTask, type WorkerInit, type WorkerTask } from "./worker-tasks.js";

const init = workerData as WorkerInit;
const { exports } = await instantiateEngine(init.module, init.memory);
parentPort!.on("message", (task: WorkerTask) => {
  arriveAndWait(init.gate);
  parentPort!.postMessage(runTask(exports, task));
});
parentPort!.postMessage("ready");
