/** An XsClient over a unix socket (Node only): for tests, the benchmark and tools. */
import { connect, type Socket } from "node:net";
import { XsClient } from "./client.js";

export interface SocketClient {
  client: XsClient;
  socket: Socket;
  /** Closes the socket and resolves once it is closed. */
  close(): Promise<void>;
  /** Resolves when the server closes the connection. */
  closed: Promise<void>;
}

export function connectUnix(path: string): Promise<SocketClient> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    const client = new XsClient((b) => socket.write(b));
    const closed = new Promise<void>((r) => socket.once("close", () => r()));
    socket.on("data", (chunk: Buffer) => client.feed(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)));
    socket.once("error", reject);
    socket.once("connect", () => {
      socket.off("error", reject);
      socket.on("error", () => {});
      resolve({
        client, socket, closed,
        close: () => {
          socket.end();
          socket.destroy();
          return closed;
        },
      });
    });
  });
}
