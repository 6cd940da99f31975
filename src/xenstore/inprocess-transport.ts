/**
 * The in-process transport: a client and the server in the same JavaScript realm (a
 * browser page, a test, the release-storm cross-check). Messages still go through the
 * wire codec, both ways, so the server sees exactly what a socket peer would send; the
 * hop is a microtask, so replies are asynchronous as they would be over a socket.
 */
import { MessageFramer, encodeMessage } from "./codec.js";
import { XsClient } from "./client.js";
import type { Connection } from "./connection.js";
import { PAYLOAD_MAX } from "./constants.js";
import type { XenstoreServer } from "./server.js";

export interface InProcessPeer {
  client: XsClient;
  connection: Connection;
  close(): void;
}

/** Connects a client to `server` as `domid` (privileged for the store domain by default). */
export function connectInProcess(server: XenstoreServer, options: { domid?: number; privileged?: boolean; label?: string } = {}): InProcessPeer {
  const domid = options.domid ?? server.privDomid;
  const framer = new MessageFramer();
  let connection: Connection;
  let open = true;
  const client = new XsClient((b) => {
    const copy = b.slice();
    queueMicrotask(() => {
      if (!open) return;
      const { messages, overlong } = framer.push(copy);
      for (const m of messages) server.handle(connection, m);
      if (overlong) server.protocolViolation(connection, `request longer than ${PAYLOAD_MAX} bytes`);
    });
  });
  connection = server.connect({
    domid,
    privileged: options.privileged ?? domid === server.privDomid,
    label: options.label ?? `inproc dom${domid}`,
    send: (m) => {
      const encoded = encodeMessage(m);
      queueMicrotask(() => client.feed(encoded));
    },
    close: () => { open = false; },
  });
  return {
    client, connection,
    close: () => {
      open = false;
      server.disconnect(connection);
    },
  };
}
