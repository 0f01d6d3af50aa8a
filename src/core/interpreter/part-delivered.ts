/*
 * A part of the goods delivered or installed, said in tenths or halves (`智能头盔到了三成，剩下的要等7月中旬才到`,
 * `设备到了三成，剩下的厂家说下个月才发货`, `执法记录仪到货一半`): progress on the task, though the share counts the goods,
 * not the task's work, so it is a report with no figure (issue 25, "Hedged figures": words that give no number are still
 * reports). Not people arriving (`人到了三成`, `参会的到了一半`).
 */

const PART_DELIVERED = /(?:(?:到|运到|装|安装|配发|换装|换|交付|发)了|到货了?|到位了?)\s*(?:[一二两三四五六七八九]\s*成|一半|大半|小半|一部分|部分)(?!\s*的)/u;
const PEOPLE = /人|民警|同志|参会|参训|学员|干部|领导/u;
/** A part still to come in the same clause: `下个月到了三成再说`, `要到六成`, `预计月底到货一半`. */
const NOT_YET = /下周|下星期|下个?月|明天|后天|月底|年底|预计|将|要|能到|能够|就能|才能|可能|再说|争取|计划|等|如果|要是/u;

/** The words of a part delivered, or null: `partDelivered("智能头盔到了三成，剩下的…")` → "到了三成". */
export function partDelivered(low: string): string | null {
  for (const clause of low.split(/[,，。;；!！?？\n]/u)) {
    const m = PART_DELIVERED.exec(clause);
    if (m && !PEOPLE.test(clause) && !NOT_YET.test(clause)) return m[0];
  }
  return null;
}
