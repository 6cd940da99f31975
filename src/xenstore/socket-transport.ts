/**
 * The unix-socket transport (Node only): every peer is the privileged store domain, as
 * with C xenstored's socket. Frames the byte stream, hands messages to the server, and
 * closes a peer that announces a payload over 4096 bytes.
 *
 * Fairness: Node delivers socket reads round-robin, at most one chunk (≤ 64 KiB) per turn,
 * and a peer that stops reading its replies is paused once its output backs up, so a
 * flooding client cannot starve the others. Watch events for a peer that stops reading
 * wait in its queue, merged when identical, up to the same bound.
 */
import { chmod, unlink } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { MessageFramer, encodeMessage, type Message } from "./codec.js";
import { PAYLOAD_MAX } from "./constants.js";
import type { XenstoreServer } from "./server.js";
import { claimSocketPath, socketPathFailure } from "./socket-path.js";

/**
 * Output bytes waiting for a peer (Node's buffer and the connection's queue) beyond which
 * its requests are not read and watch events for it are dropped (`drops.backlog`).
 */
export const OUTPUT_LIMIT_BYTES = 1 << 20;

export class UnixSocketTransport {
  private readonly listener: Server;
  private readonly sockets = new Set<Socket>();
  private nextPeer = 1;

  constructor(private readonly server: XenstoreServer, readonly path: string) {
    this.listener = createServer((socket) => this.accept(socket));
    this.listener.maxConnections = 1 << 16;
  }

  /**
   * Listens on `path`, mode 0600, replacing only a stale socket file (socket-path.ts);
   * throws SocketPathError for a path it cannot or must not use.
   */
  async listen(): Promise<void> {
    await claimSocketPath(this.path);
    await new Promise<void>((resolve, reject) => {
      const failed = (e: Error) => reject(socketPathFailure(this.path, e));
      this.listener.once("error", failed);
      this.listener.listen({ path: this.path, backlog: 1024 }, () => {
        this.listener.off("error", failed);
        resolve();
      });
    });
    await chmod(this.path, 0o600);
  }

  /** Stops accepting, drops every peer and removes the socket file. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.listener.close(() => resolve()));
    await unlink(this.path).catch(() => {});
  }

  get peers(): number {
    return this.sockets.size;
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const framer = new MessageFramer(true); // Node never reuses a read's memory
    const conn = this.server.connect({
      domid: this.server.privDomid,
      privileged: true,
      label: `socket#${this.nextPeer++}`,
      send: (m) => {
        if (!socket.destroyed) socket.write(encodeMessage(m, Buffer.allocUnsafe));
      },
      // Node's buffer is below its high-water mark: the peer keeps up. Past it, messages
      // wait in the connection's queue, where identical events merge as in C.
      ready: () => !socket.writableNeedDrain,
      outputLimit: OUTPUT_LIMIT_BYTES,
      close: () => socket.destroy(),
    });
    const unsent = () => socket.writableLength + conn.output!.bytes;
    // Requests read but not yet handled because the peer's unsent output passed the bound:
    // they wait, with reading paused, until the peer reads (drain). So a peer that never
    // reads pins at most OUTPUT_LIMIT_BYTES + one reply of output and one chunk of input.
    let backlog: Message[] = [];
    let next = 0;
    let overlongAfterBacklog = false;
    const uncork = () => socket.uncork();
    const work = () => {
      // Batch the replies of a chunk of several requests into as few writes as possible;
      // a lone request (the common case: one in flight) is answered with one plain write.
      const batch = backlog.length - next > 1;
      if (batch) socket.cork();
      while (next < backlog.length && unsent() <= OUTPUT_LIMIT_BYTES) this.server.handle(conn, backlog[next++]!);
      if (batch) process.nextTick(uncork);
      if (next < backlog.length) {
        socket.pause();
        return;
      }
      backlog = [];
      next = 0;
      if (overlongAfterBacklog) return this.server.protocolViolation(conn, `request longer than ${PAYLOAD_MAX} bytes`);
      if (socket.isPaused()) socket.resume();
    };
    socket.on("drain", () => {
      conn.flush((b) => socket.write(b));
      if (next < backlog.length) work();
    });
    socket.on("data", (chunk: Buffer) => {
      const { messages, overlong } = framer.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      backlog = messages;
      next = 0;
      overlongAfterBacklog = overlong;
      work();
    });
    socket.on("error", () => {}); // a peer resetting the connection is not our failure
    socket.on("close", () => {
      this.sockets.delete(socket);
      this.server.disconnect(conn);
    });
  }
}
