import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import type { MatrixClient } from "matrix-bot-sdk";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMatrixClient, replyFrom, roomEvents, say, startBot, waitFor, writeDirectory, type BotUnderTest, type RoomEvent } from "./matrix-fixture.js";
import { startSynapse, type Synapse, type SynapseUser } from "./synapse.js";

const XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** startBot's fixed clock: 2024-06-30T10:00:00+08:00, so the files are named after that day. */
const DAY = "2024-06-30";

let synapse: Synapse;
let users: Record<string, SynapseUser>;
let officer: MatrixClient;
let admin: MatrixClient;
let rooms: { xingzhen: string; office: string };
let bot: BotUnderTest;
let botId: string;
let dir: string;

type FileEvent = RoomEvent & {
  content: RoomEvent["content"] & { url?: string; filename?: string; info?: { mimetype?: string; size?: number; w?: number; h?: number } };
};

/** The bot's file messages (m.file / m.image) that reply to `eventId`. */
async function filesReplyingTo(client: MatrixClient, roomId: string, eventId: string): Promise<FileEvent[]> {
  return (await roomEvents(client, roomId)).filter(
    (e) =>
      e.sender === botId &&
      e.type === "m.room.message" &&
      (e.content.msgtype === "m.file" || e.content.msgtype === "m.image") &&
      e.content["m.relates_to"]?.["m.in_reply_to"]?.event_id === eventId,
  ) as FileEvent[];
}

/** Send a command; wait for the bot's notice and then its file, both replies to the command, in that order. */
async function commandWithFile(client: MatrixClient, roomId: string, text: string): Promise<{ notice: RoomEvent; file: FileEvent }> {
  const eventId = await say(client, roomId, text);
  const notice = await replyFrom(client, roomId, eventId, botId);
  const file = await waitFor(async () => (await filesReplyingTo(client, roomId, eventId))[0], 30_000, `the bot's file in reply to ${text}`);
  const timeline = (await roomEvents(client, roomId)).map((e) => e.event_id);
  expect(timeline.indexOf(notice.event_id)).toBeLessThan(timeline.indexOf(file.event_id));
  return { notice, file };
}

describe("duban sends exports and the chart as Matrix files on a real Synapse", () => {
  beforeAll(async () => {
    synapse = await startSynapse();
    users = {
      bot: await synapse.registerUser("duban", { displayName: "督办" }),
      officer: await synapse.registerUser("zhang"),
      leader: await synapse.registerUser("juzhang"),
      admin: await synapse.registerUser("kejiban"),
    };
    botId = users.bot!.userId;
    officer = createMatrixClient(synapse.url, users.officer!.accessToken);
    admin = createMatrixClient(synapse.url, users.admin!.accessToken);
    rooms = {
      xingzhen: await officer.createRoom({ name: "刑侦大队", invite: [botId] }),
      office: await admin.createRoom({ name: "科技办", invite: [botId] }),
    };
    dir = mkdtempSync(join(tmpdir(), "duban-e2e-reports-"));
    // The directory maps @kejiban to the office's admin and @zhang to a 刑侦大队 member (see writeDirectory).
    const directory = writeDirectory(dir, rooms, users);
    bot = await startBot(synapse, users.bot!, directory, [users.officer!.userId, users.admin!.userId]);
    await waitFor(async () => (await bot.transport.client.getJoinedRooms()).length === 2, 30_000, "bot joined both rooms");
  }, 180_000);

  afterAll(async () => {
    await bot?.dispose();
    await synapse?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("answers an admin's 导出 xlsx with a notice, then an m.file whose content is the workbook", async () => {
    const { notice, file } = await commandWithFile(admin, rooms.office, "导出 xlsx");
    const name = `督办导出-科技兴警-${DAY}.xlsx`;
    expect(notice.content.body).toBe(`已生成 ${name}，文件随后发送。`);
    expect(file.content.msgtype).toBe("m.file");
    expect(file.content.body).toBe(name);
    expect(file.content.body!.endsWith(".xlsx")).toBe(true);
    expect(file.content.filename).toBe(name);
    expect(file.content.info?.mimetype).toBe(XLSX_MIME);
    expect(file.content.url).toMatch(/^mxc:\/\/localhost\/[A-Za-z0-9_-]+$/);

    // Through the client-server media API, as the test user.
    const { data, contentType } = await admin.downloadContent(file.content.url!);
    expect(contentType).toBe(XLSX_MIME);
    expect(data.length).toBe(file.content.info?.size);
    expect(data.subarray(0, 2).toString("latin1")).toBe("PK"); // a zip container
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(data as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["任务", "进展", "指标", "单位考评"]);
    const tasks = wb.getWorksheet("任务")!;
    expect(tasks.getRow(1).getCell(1).value).toBe("任务编号");
    const numbers: number[] = [];
    tasks.eachRow((row, i) => {
      const v = row.getCell(1).value;
      if (i > 1 && typeof v === "number") numbers.push(v);
    });
    // The bundled plan has 25 tasks, one row each, in order.
    expect(numbers).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(tasks.getRow(7).getCell(3).value).toBe("培育“公安数字工匠”");
  });

  it("sends 进度图 as an m.image with its size, whose bytes are a PNG of that size", async () => {
    const { notice, file } = await commandWithFile(officer, rooms.xingzhen, "进度图");
    const name = `进度图-科技兴警-${DAY}.png`;
    expect(notice.content.body).toBe(`已生成 ${name}，文件随后发送。`);
    expect(file.content.msgtype).toBe("m.image");
    expect(file.content.body).toBe(name);
    const info = file.content.info!;
    expect(info.mimetype).toBe("image/png");
    expect(info.w).toBeGreaterThan(0);
    expect(info.h).toBeGreaterThan(0);
    expect(file.content.url).toMatch(/^mxc:\/\//);

    const { data, contentType } = await officer.downloadContent(file.content.url!);
    expect(contentType).toBe("image/png");
    expect(data.length).toBe(info.size);
    expect(data.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    const png = PNG.sync.read(data);
    expect({ w: png.width, h: png.height }).toEqual({ w: info.w, h: info.h });
  });

  it("refuses 导出 json from a member who is not an admin: a notice, and no file", async () => {
    const eventId = await say(officer, rooms.xingzhen, "导出 json");
    const refusal = await replyFrom(officer, rooms.xingzhen, eventId, botId);
    expect(refusal.content.msgtype).toBe("m.notice");
    expect(refusal.content.body).toBe("此操作只能由科技办管理员办理，未作任何更改。");
    // The bot is done with the command once it is marked handled; give a stray upload a moment more anyway.
    await waitFor(() => bot.app.db.processedEvent.findUnique({ where: { eventId } }), 10_000, "the refused command marked handled");
    const marker = await say(officer, rooms.xingzhen, "任务6");
    await replyFrom(officer, rooms.xingzhen, marker, botId);
    expect(await filesReplyingTo(officer, rooms.xingzhen, eventId)).toEqual([]);
    expect((await roomEvents(officer, rooms.xingzhen)).filter((e) => e.sender === botId && e.content.msgtype === "m.file")).toEqual([]);
    const audit = await bot.app.db.auditLog.findFirstOrThrow({ where: { actor: users.officer!.userId, action: "export-json" } });
    expect(audit).toMatchObject({ outcome: "refused", transport: "matrix", room: rooms.xingzhen, eventId });

    // The same command from the office's admin is answered with the dump.
    const { file } = await commandWithFile(admin, rooms.office, "导出 json");
    expect(file.content).toMatchObject({ msgtype: "m.file", body: `督办导出-${DAY}.json`, info: { mimetype: "application/json" } });
    const dump = JSON.parse((await admin.downloadContent(file.content.url!)).data.toString("utf8")) as { format: string; tables: Record<string, unknown[]> };
    expect(dump.format).toBe("duban-dump");
    expect(dump.tables.Task).toHaveLength(25);
    // It holds the audit trail, the refusal above included: the reason it is for admins only.
    expect(dump.tables.AuditLog).toContainEqual(expect.objectContaining({ action: "export-json", outcome: "refused", eventId }));
  });
});
