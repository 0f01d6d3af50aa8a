import { Document, isMap, isScalar, isSeq, parseDocument, YAMLMap, YAMLSeq } from "yaml";
import type { ParsedPlan } from "../plan/types.js";
import { isCollectiveUnit } from "../plan/unit-list.js";

/** What the skeleton is made from: the office (科技办), its room, its admins, and the units the plan names. */
export interface SkeletonInput {
  office: string;
  officeRoom: string | null;
  admins: readonly string[];
  /** Unit names the plan names, in the order they first appear. */
  units: readonly string[];
  /** The plan's title, for the file's heading comment. */
  planTitle?: string;
}

/** What merging into an existing directory file changed, for the operator to see before it is written. */
export interface SkeletonMerge {
  text: string;
  addedUnits: string[];
  addedAdmins: string[];
  officeRoomAdded: boolean;
  /** Why the office room was not added (it is another unit's room), in Chinese; null when it was, or had been. */
  officeRoomProblem: string | null;
}

/** Every unit a plan names, lead (牵头单位) and responsible (责任单位), in order of first mention; collective names (局属各单位) left out. */
export function planUnits(parsed: ParsedPlan): string[] {
  const out = new Set<string>();
  for (const t of parsed.tasks) for (const u of [...t.leadUnits, ...t.responsibleUnits]) if (!isCollectiveUnit(u)) out.add(u);
  return [...out];
}

const HEADING = (title?: string) =>
  [
    `单位名录：由 duban init 根据${title ? `《${title}》` : "方案"}生成。`,
    "每个单位的群（rooms）和人员（members 成员、leaders 领导）待填写，填写方法任选其一：",
    "  · 推荐：把机器人邀请进各单位的工作群，由管理员在群里发一句“绑定本群 单位名”（如 绑定本群 刑侦大队），",
    "    群就归到该单位，不必在这里填群 ID；",
    '  · 或在这里填写：群 ID 形如 "!AbCdEf:bureau.local"，用户 ID 形如 "@zhangsan:bureau.local"。',
    "改完后用 npx duban directory 检查；运行中的机器人在 systemctl reload duban 后重新读取本文件。",
  ]
    .map((l) => ` ${l}`)
    .join("\n");

/** How the file is written: no folded lines, `["!abc:x"]` as people write it. */
const FORMAT = { lineWidth: 0, flowCollectionPadding: false } as const;

function emptySeq(doc: Document, items: readonly string[] = []): YAMLSeq {
  const seq = doc.createNode([...items]) as YAMLSeq;
  seq.flow = true;
  return seq;
}

function unitNode(doc: Document, name: string, rooms: readonly string[] = []): YAMLMap<unknown, unknown> {
  const m = new YAMLMap<unknown, unknown>();
  m.set(doc.createNode("name"), doc.createNode(name));
  for (const key of ["rooms", "members", "leaders"]) m.set(doc.createNode(key), emptySeq(doc, key === "rooms" ? rooms : []));
  return m;
}

/** The directory file for a new deployment: every unit listed, rooms and people empty but the office's room. */
export function directorySkeleton(input: SkeletonInput): string {
  const doc = new Document();
  doc.commentBefore = HEADING(input.planTitle);
  const root = new YAMLMap();
  root.set(doc.createNode("office"), doc.createNode(input.office));
  const admins = emptySeq(doc, input.admins);
  root.set(doc.createNode("admins"), admins);
  const leaders = emptySeq(doc);
  root.set(doc.createNode("leaders"), leaders);
  const units = new YAMLSeq();
  const names = [input.office, ...input.units.filter((u) => u !== input.office)];
  for (const name of names) units.add(unitNode(doc, name, name === input.office && input.officeRoom ? [input.officeRoom] : []));
  root.set(doc.createNode("units"), units);
  doc.contents = root;
  // Comments on the keys, where the operator looks.
  (root.items[1]!.key as { commentBefore?: string }).commentBefore = " 管理员（办公室的人）的用户 ID：可以在群里绑定群和人员（绑定本群、绑定）。至少填一位。";
  (root.items[2]!.key as { commentBefore?: string }).commentBefore = " 局领导的用户 ID：能看全局、审批。";
  (root.items[3]!.key as { commentBefore?: string }).commentBefore = ` 各单位：${input.office} 是办公室，它的群收逾期提醒和上报。`;
  return doc.toString(FORMAT);
}

const strings = (node: unknown): string[] => (isSeq(node) ? node.items.flatMap((i) => (isScalar(i) && typeof i.value === "string" ? [i.value] : [])) : []);

/**
 * The operator's directory file with what is new added: plan units it does not list (by name or alias), new admins,
 * the office's room. Nothing is removed or reordered and every comment stays (the yaml Document API).
 */
export function mergeDirectory(text: string, input: SkeletonInput): SkeletonMerge {
  const parsed = parseDocument(text);
  if (parsed.errors.length) throw new Error(parsed.errors[0]!.message);
  const doc = parsed as unknown as Document;
  if (!isMap(doc.contents)) throw new Error("the directory file is not a YAML mapping");
  const root = doc.contents as YAMLMap<unknown, unknown>;
  let units = root.get("units");
  if (!isSeq(units)) {
    units = new YAMLSeq();
    root.set("units", units);
  }
  const seq = units as YAMLSeq;
  const known = new Map<string, YAMLMap<unknown, unknown>>();
  for (const item of seq.items) {
    if (!isMap(item)) continue;
    const name = item.get("name");
    if (typeof name === "string") known.set(name, item);
    for (const a of strings(item.get("aliases", true))) known.set(a, item);
  }
  const office = typeof root.get("office") === "string" ? (root.get("office") as string) : input.office;
  const addedUnits: string[] = [];
  for (const name of [office, ...input.units]) {
    if (known.has(name)) continue;
    const node = unitNode(doc, name);
    node.commentBefore = " 由 duban init 新增：方案中新出现的单位";
    seq.add(node);
    known.set(name, node);
    addedUnits.push(name);
  }
  const addedAdmins: string[] = [];
  let admins: unknown = root.get("admins", true);
  if (!isSeq(admins)) {
    admins = emptySeq(doc);
    root.set("admins", admins);
  }
  for (const a of input.admins)
    if (!strings(admins).includes(a)) {
      (admins as YAMLSeq).add(doc.createNode(a));
      addedAdmins.push(a);
    }
  let officeRoomAdded = false;
  let officeRoomProblem: string | null = null;
  const room = input.officeRoom;
  if (room) {
    const holder = seq.items.find((u) => isMap(u) && strings(u.get("rooms", true)).includes(room)) as YAMLMap<unknown, unknown> | undefined;
    const officeNode = known.get(office)!;
    if (holder && holder !== officeNode) officeRoomProblem = `群 ${room} 在名录里已属于 ${String(holder.get("name"))}，没有改动；请先在名录里移除它再运行`;
    else if (!holder) {
      let rooms: unknown = officeNode.get("rooms", true);
      if (!isSeq(rooms)) {
        rooms = emptySeq(doc);
        officeNode.set("rooms", rooms);
      }
      (rooms as YAMLSeq).add(doc.createNode(room));
      officeRoomAdded = true;
    }
  }
  const changed = addedUnits.length > 0 || addedAdmins.length > 0 || officeRoomAdded;
  // Nothing new: the operator's file as it is, byte for byte.
  return { text: changed ? doc.toString(FORMAT) : text, addedUnits, addedAdmins, officeRoomAdded, officeRoomProblem };
}
