/**
 * Courtesy in a direct chat (issue 25): thanks get a short courteous answer, an acknowledgement gets nothing, and
 * neither gets "没看懂". In a group room the bot stays silent, as for any chatter.
 */

/** What may stand around the courtesy words: the bot's name, particles, punctuation, emoji. */
const AROUND = /督办|机器人|你|您|了|啦|啊|哈|呀|哦|的|哈哈|[\s,，.。!！~～…、]|\p{Extended_Pictographic}|\u{FE0F}/gu;
const THANKS = /多谢|谢谢|感谢|谢了|辛苦|thanks|thank you|thx/giu;
const ACK = /好的|好|收到|知道|明白|了解|行|可以|嗯|嗯嗯|ok|okay|先这样|不用|回头再问|再问|先|这样|👌|👍|🙏/giu;

/** A greeting (`你好`, `您好`, `在吗`): not an acknowledgement, so the direct chat's usage hint answers it. */
const GREETING = /你好|您好|在吗|在不在|hello|\bhi\b/iu;

/**
 * "thanks" when the text is only thanks (with an acknowledgement or not), "ack" when only an acknowledgement, else null.
 * A greeting is neither (`你好` would otherwise pass as 你 + 好).
 */
export function courtesyOf(text: string): "thanks" | "ack" | null {
  const t = text.toLowerCase();
  if (GREETING.test(t)) return null;
  const thanked = THANKS.test(t);
  THANKS.lastIndex = 0;
  const rest = t.replace(THANKS, "").replace(ACK, "").replace(AROUND, "");
  if (rest !== "" || t.trim() === "") return null;
  return thanked ? "thanks" : "ack";
}
