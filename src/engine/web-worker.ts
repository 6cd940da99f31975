/**
 * Web Worker entry of WebWorkerPool: an engine thread (worker-tasks.ts). Waiting at
 * the start gate is legal here (workers may block; the page's main thread may not).
 */
import { serve } from "../threads/thread.js";
import { webEndpoint } from "../threads/web.js";
import { engineThread } from "./worker-tasks.js";

serve(webEndpoint(), engineThread);
