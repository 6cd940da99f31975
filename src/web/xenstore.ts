/**
 * The xenstored section: the real server (src/xenstore/server.ts) running in the page,
 * reached through the in-process transport, so every command goes through the wire
 * codec both ways. A tree browser, a console, a hypervisor model whose domains can be
 * introduced, shut down and destroyed, and the @releaseDomain storm comparison.
 */
import { MsgType } from "../xenstore/constants.js";
import { XsClient, XsReplyError } from "../xenstore/client.js";
import { DomainState, Hypervisor } from "../xenstore/hypervisor.js";
import { connectInProcess, type InProcessPeer } from "../xenstore/inprocess-transport.js";
import type { Design } from "../xenstore/interfaces.js";
import { XenstoreServer } from "../xenstore/server.js";
import { fill, h, messageOf, select } from "./dom.js";
import { mountStorm } from "./xenstore-storm.js";

/** The tree browser stops here: a store can hold far more nodes than a page should draw. */
const TREE_LIMIT = 400;

const HELP = `commands (paths are absolute or relative to /local/domain/0):
  read PATH            write PATH VALUE      ls PATH         mkdir PATH      rm PATH
  getperms PATH        setperms PATH PERM…   (PERM: n0 r1 w2 b3 = none/read/write/both for a domid)
  watch PATH TOKEN     unwatch PATH TOKEN
  start                commit                abort           (one transaction at a time)
  help                 clear
↑/↓ recall earlier commands.`;

interface Session {
  server: XenstoreServer;
  hv: Hypervisor;
  peer: InProcessPeer;
  client: XsClient;
  tx: number;
  nextDomid: number;
}

/** Splits a command line on blanks; a value may contain blanks (`write /a some text`). */
function words(line: string): string[] {
  return line.trim().split(/\s+/).filter(Boolean);
}

export function mountXenstore(root: HTMLElement): void {
  const out = h("ol", { class: "console-log mono", role: "log", "aria-live": "polite", "data-testid": "xs-log", tabindex: 0 });
  const prompt = h("span", { class: "prompt mono", "aria-hidden": "true" }, "xs>");
  const input = h("input", { type: "text", id: "xs-input", class: "mono", "data-testid": "xs-input", autocomplete: "off", spellcheck: "false",
    placeholder: "write /local/domain/0/demo hello", "aria-describedby": "xs-help" });
  const tree = h("div", { class: "tree mono", "data-testid": "xs-tree" });
  const domains = h("div", { "data-testid": "xs-domains" });
  const designPick = select("Dead-domain notification", "xs-design", [["new", "new: @releaseDomain/<domid> from a stable query"], ["legacy", "legacy: plain @releaseDomain, scan every domain"]], "new");
  const history: string[] = [];
  let recall = 0;
  let s: Session;

  const print = (text: string, kind: "cmd" | "ok" | "err" | "event" | "info" = "ok") => {
    // Replies such as "OK" arrive NUL-terminated on the wire; the terminator is not text.
    for (const line of text.replace(/\0+$/, "").split("\n")) out.append(h("li", { class: kind }, line));
    while (out.childElementCount > 500) out.firstElementChild!.remove();
    out.scrollTop = out.scrollHeight;
  };

  const start = () => {
    s?.peer.close();
    const hv = new Hypervisor();
    const server = new XenstoreServer({
      design: designPick.input.value as Design, hypervisor: hv,
      log: (level, text) => { if (level !== "debug") print(`[xenstored ${level}] ${text}`, "info"); },
    });
    const peer = connectInProcess(server, { label: "playground console (dom0)" });
    peer.client.onEvent = (path, token) => { print(`event ${path} ${token}`, "event"); void refresh(); };
    s = { server, hv, peer, client: peer.client, tx: 0, nextDomid: 1 };
    prompt.textContent = "xs>";
    print(`xenstored started (${server.interfaces.design} design); type help`, "info");
  };

  const abs = (p: string | undefined) => {
    if (!p) throw new Error("missing PATH");
    return p.startsWith("/") || p.startsWith("@") ? p : `/local/domain/0/${p}`;
  };

  /** Runs one console line; prints the command and its reply. */
  const exec = async (line: string) => {
    const [cmd, ...args] = words(line);
    if (!cmd) return;
    print(`${s.tx ? `tx ${s.tx}` : "xs"}> ${line.trim()}`, "cmd");
    const c = s.client;
    const tx = s.tx;
    try {
      switch (cmd) {
        case "help": print(HELP, "info"); return;
        case "clear": out.replaceChildren(); return;
        case "read": print(await c.read(abs(args[0]), tx)); break;
        case "write": {
          const value = line.trim().replace(/^\S+\s+\S+\s?/, "");
          if (args.length < 1) throw new Error("usage: write PATH VALUE");
          print(await c.write(abs(args[0]), value, tx)); break;
        }
        case "ls": case "dir": {
          const names = await c.directory(abs(args[0] ?? "/"), tx);
          print(names.length ? names.join("  ") : "(no children)"); break;
        }
        case "mkdir": print(await c.call(MsgType.MKDIR, [abs(args[0])], tx)); break;
        case "rm": print(await c.rm(abs(args[0]), tx)); break;
        case "getperms": print((await c.call(MsgType.GET_PERMS, [abs(args[0])], tx)).split("\0").filter(Boolean).join(" ")); break;
        case "setperms":
          if (args.length < 2) throw new Error("usage: setperms PATH PERM… (e.g. setperms /a n0 r1)");
          print(await c.call(MsgType.SET_PERMS, [abs(args[0]), ...args.slice(1)], tx)); break;
        case "watch":
          if (args.length !== 2) throw new Error("usage: watch PATH TOKEN");
          print(await c.watch(abs(args[0]), args[1]!)); break;
        case "unwatch":
          if (args.length !== 2) throw new Error("usage: unwatch PATH TOKEN");
          print(await c.call(MsgType.UNWATCH, [abs(args[0]), args[1]!])); break;
        case "start":
          if (s.tx) throw new Error(`transaction ${s.tx} is open; commit or abort it first`);
          s.tx = await c.start();
          prompt.textContent = `tx ${s.tx}>`;
          print(`transaction ${s.tx} started: reads and writes go through it until commit or abort`); break;
        case "commit": case "abort": {
          if (!s.tx) throw new Error("no transaction is open (start one first)");
          const id = s.tx;
          s.tx = 0;
          prompt.textContent = "xs>";
          print(`${(await c.end(id, cmd === "commit")).replace(/\0+$/, "")} (transaction ${id} ${cmd === "commit" ? "committed" : "aborted"})`); break;
        }
        default: throw new Error(`unknown command '${cmd}'; type help`);
      }
    } catch (e) {
      if (e instanceof XsReplyError && e.errno === "EAGAIN" && cmd === "commit") print("EAGAIN: the transaction conflicted with another write; start again", "err");
      else print(e instanceof XsReplyError ? `error ${e.errno}` : messageOf(e), "err");
    }
    await refresh();
  };

  /** Redraws the tree: one DIRECTORY and one READ per node, as a toolstack would. */
  /** Branches the user opened or closed, so a redraw keeps them that way. */
  const toggled = new Map<string, boolean>();
  let drawing = 0;
  const refresh = async () => {
    const mine = ++drawing;
    let budget = TREE_LIMIT;
    const c = s.client;
    const node = async (path: string, name: string): Promise<HTMLElement> => {
      budget--;
      const [value, kids] = await Promise.all([c.read(path).catch(() => ""), c.directory(path).catch(() => [] as string[])]);
      const text = [name, value ? h("span", { class: "value" }, ` = "${value}"`) : null];
      // Leaves are buttons that put `read PATH` in the console; a branch's <summary> only toggles
      // (an interactive element inside <summary> would be two controls in one for keyboards).
      if (kids.length === 0)
        return h("li", {}, h("button", { type: "button", class: "node", title: `read ${path}`, onclick: () => { input.value = `read ${path}`; input.focus(); } }, ...text));
      const children = h("ul", {});
      for (const k of kids) {
        if (budget <= 0) { children.append(h("li", { class: "more" }, `… (tree limited to ${TREE_LIMIT} nodes)`)); break; }
        children.append(await node(path === "/" ? `/${k}` : `${path}/${k}`, k));
      }
      const details = h("details", { open: toggled.get(path) ?? path.split("/").length <= 5 }, h("summary", {}, ...text), children);
      details.addEventListener("toggle", () => toggled.set(path, details.open));
      return h("li", {}, details);
    };
    const drawn = await node("/", "/");
    if (mine !== drawing) return; // a newer redraw (after a later command or event) wins
    fill(tree, h("ul", { class: "root" }, drawn));
    drawDomains();
  };

  const drawDomains = () => {
    const rows = [...Array(s.nextDomid).keys()].slice(1).map((d) => {
      const info = s.hv.exists(d) ? s.hv.getinfo(d) : null;
      const phase = info === null ? "destroyed" : info.state & DomainState.SHUTDOWN ? "shut down" : "running";
      return h("li", {}, `dom${d}: ${phase}${s.server.domains.has(d) ? ", introduced" : ""} `,
        h("button", { type: "button", disabled: phase !== "running", onclick: () => void domainOp("shutdown", d) }, `Shut down dom${d}`), " ",
        h("button", { type: "button", disabled: phase === "destroyed", onclick: () => void domainOp("destroy", d) }, `Destroy dom${d}`));
    });
    fill(domains, rows.length ? h("ul", { class: "domains" }, ...rows) : h("p", { class: "help" }, "No guests yet."));
  };

  /** What a toolstack does: create the domain, write its home, INTRODUCE it; later shut down / destroy it. */
  const domainOp = async (op: "introduce" | "shutdown" | "destroy", domid = s.nextDomid) => {
    try {
      if (op === "introduce") {
        s.nextDomid++;
        s.hv.create(domid);
        print(`toolstack: create dom${domid}, write /local/domain/${domid}/name, INTRODUCE ${domid}`, "info");
        await s.client.write(`/local/domain/${domid}/name`, `guest${domid}`);
        await s.client.call(MsgType.SET_PERMS, [`/local/domain/${domid}`, `n0`, `r${domid}`]);
        await s.client.call(MsgType.INTRODUCE, [String(domid), String(0xfeff0 + domid), String(10 + domid)]);
      } else if (op === "shutdown") {
        print(`hypervisor: dom${domid} shuts down (VIRQ_DOM_EXC)`, "info");
        s.hv.shutdown(domid);
      } else {
        print(`hypervisor: dom${domid} destroyed (VIRQ_DOM_EXC); toolstack removes /local/domain/${domid}`, "info");
        s.hv.destroy(domid);
        await s.client.rm(`/local/domain/${domid}`).catch(() => "");
      }
    } catch (e) {
      print(e instanceof XsReplyError ? `error ${e.errno}` : messageOf(e), "err");
    }
    await refresh();
  };

  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      const line = input.value;
      if (!line.trim()) return;
      history.push(line);
      recall = history.length;
      input.value = "";
      void exec(line).then(() => { root.dataset.busy = "false"; });
      root.dataset.busy = "true";
    } else if (e.key === "ArrowUp" && recall > 0) {
      input.value = history[--recall]!;
      e.preventDefault();
    } else if (e.key === "ArrowDown" && recall < history.length) {
      input.value = history[++recall] ?? "";
      e.preventDefault();
    }
  });
  designPick.input.addEventListener("change", () => { start(); void refresh(); });

  const storm = h("div");
  fill(root,
    h("h2", { id: "xs-h" }, "xenstored"),
    h("p", { class: "lede" }, "A xenstore server (wire protocol, permissions, transactions, watches, quotas, domain introduction and release) running in this page. The console talks to it as dom0 through the same codec a unix-socket client uses."),
    h("div", { class: "controls" }, designPick.wrap,
      h("button", { type: "button", "data-testid": "xs-introduce", onclick: () => void domainOp("introduce") }, "Introduce a new domain"),
      h("button", { type: "button", onclick: () => void exec("watch @releaseDomain rel") }, "Watch @releaseDomain")),
    domains,
    h("div", { class: "cols xs" },
      h("div", {},
        h("h3", {}, "Console"),
        out,
        h("div", { class: "console-input" }, h("label", { for: "xs-input", class: "visually-hidden" }, "xenstore command"), prompt, input),
        h("p", { id: "xs-help", class: "help" }, "Enter runs a command; type help for the list.")),
      h("div", {}, h("h3", {}, "Store"), tree)),
    storm);
  mountStorm(storm);
  start();
  void refresh().then(() => { root.dataset.ready = "true"; });
}
