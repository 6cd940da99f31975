/**
 * The system tools that end-to-end tests drive, provisioned by scripts/provision-tests.mjs
 * (run by `npm test`). Importing this module is also how a test file says it needs them:
 * vitest.config.ts leaves such files out under XENMM_SKIP_SYSTEM_TESTS=1, by name.
 */
import { cPeerCacheDir } from "../../bench/xenstore-c-peer.js";

/** Where setup.sh unpacks xen-utils-4.17 (its xenstored and xenstore-control) and builds the shim. */
export const C_PEER_CACHE = cPeerCacheDir();
