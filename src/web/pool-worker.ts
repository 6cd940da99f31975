/**
 * Web Worker entry of WebWorkerPool: an engine thread (engine/worker-tasks.ts). Waiting at
 * the start gate is legal here (workers may block; the page's main thread may not).
 */
import { engineThread } from "../engine/worker-tasks.js";
import { serve } from "../threads/thread.js";
import { webEndpoint } from "../threads/web.js";

serve(webEndpoint(), engineThread);
