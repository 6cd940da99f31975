/** Web Worker entry: runs one ring role (the same code as Node's worker_threads) over src/threads' browser endpoint. */
import { serve } from "../threads/thread.js";
import { webEndpoint } from "../threads/web.js";
import { runRole } from "../vmevent/workers/roles.js";

serve(webEndpoint(), () => runRole);
