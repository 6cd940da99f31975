/** Shared set-up for the xenstore tests: a server on a unix socket in a fresh temp dir. */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { XenstoreServer, type ServerOptions } from "../../src/xenstore/server.js";
import { UnixSocketTransport } from "../../src/xenstore/socket-transport.js";
import { connectUnix, type SocketClient } from "../../src/xenstore/socket-client.js";

export interface Running {
  server: XenstoreServer;
  transport: UnixSocketTransport;
  path: string;
  clients: SocketClient[];
  connect(): Promise<SocketClient>;
  stop(): Promise<void>;
}

export async function startServer(options: ServerOptions = {}): Promise<Running> {
  const dir = await mkdtemp(join(tmpdir(), "xenmm-xs-"));
  const path = join(dir, "socket");
  const server = new XenstoreServer(options);
  const transport = new UnixSocketTransport(server, path);
  await transport.listen();
  const clients: SocketClient[] = [];
  return {
    server, transport, path, clients,
    async connect() {
      const c = await connectUnix(path);
      clients.push(c);
      return c;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.close()));
      await transport.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const execFileP = promisify(execFile);

/** Runs one of Debian's xenstore-* tools against `socket`; never throws. */
export async function tool(socket: string, cmd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileP(cmd, args, { env: { ...process.env, XENSTORED_PATH: socket }, timeout: 10_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === "number" ? err.code : -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}
