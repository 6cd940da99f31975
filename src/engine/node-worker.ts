/** Node worker_threads entry of NodeWorkerPool: an engine thread (worker-tasks.ts) over parentPort. */
import { parentPort } from "node:worker_threads";
import { nodeEndpoint } from "../threads/node.js";
import { serve } from "../threads/thread.js";
import { engineThread } from "./worker-tasks.js";

serve(nodeEndpoint(parentPort!), engineThread);
