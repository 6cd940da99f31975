/**
 * The system tools that end-to-end tests drive, provisioned by scripts/provision-tests.mjs
 * (run by `npm test`). Importing this module is also how a test file says it needs them:
 * vitest.config.ts leaves such files out under XENMM_SKIP_SYSTEM_TESTS=1, by name.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The vendored scripts that run Debian's C xenstored 4.17 on a unix socket (see its README). */
export const C_PEER_DIR = fileURLToPath(new URL("../peers/c-xenstored/", import.meta.url));

/** Where setup.sh unpacks xen-utils-4.17 and builds the shim (its XSD_CACHE). */
export const C_PEER_CACHE = process.env.XSD_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "xenmm-c-xenstored");

/** Debian's xenstore-utils clients used by the tests (found on PATH). */
export const XENSTORE_CLIENTS = ["xenstore-read", "xenstore-write", "xenstore-ls", "xenstore-list", "xenstore-rm", "xenstore-exists", "xenstore-chmod", "xenstore-watch"] as const;
