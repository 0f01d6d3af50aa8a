/**
 * The words the interpreter knows, beyond what commands declare as their own cues.
 * Each list is a plain table so that `explain` can name the word that decided.
 */

/** Build one regex alternation from words, longest first, escaped. */
export function alternation(words: readonly string[]): string {
  const key = words.join("\u0000");
  let out = alternations.get(key);
  if (out === undefined) {
    out = build(words);
    alternations.set(key, out);
  }
  return out;
}
const alternations = new Map<string, string>();

function build(words: readonly string[]): string {
  return [...new Set(words)]
    .filter(Boolean)
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("|");
}

/** Marks of a question: `任务6目前啥进度？`, `任务6完成了吗`, `how is task 6 going`. */
export const QUESTION_WORDS = [
  "?", "吗", "么", "呢", "如何", "怎么样", "怎样", "咋样", "咋了", "怎么了", "啥", "什么", "多少", "几项", "几个", "几天",
  "哪些", "哪一步", "哪步", "到哪", "哪里", "谁", "是否", "有没有", "有无", "是不是", "查一下", "查查", "查询", "查看", "看看", "看一下", "看下",
  "帮我查", "帮我看", "how", "what", "which", "when", "who", "whats", "any",
];

/** Words that may stand around a question about one task without changing what is asked. */
export const STATUS_FILLER = [
  "进展", "进度", "情况", "状态", "详情", "具体", "最新", "目前", "现在", "当前", "眼下", "如今", "截至目前", "为止",
  "怎么样", "咋样", "怎样", "如何", "到哪", "到哪了", "到哪一步", "哪一步", "哪步", "什么程度", "啥", "什么", "咋",
  "查询", "查看", "查一下", "查查", "查", "看看", "看一下", "看下", "瞧瞧", "帮我", "帮忙", "麻烦", "请", "给我", "我", "说说", "讲讲", "发一下", "发下", "报一下",
  "谁", "牵头单位", "负责单位", "责任单位", "牵头", "负责", "主责", "什么时候", "何时", "哪天", "几号", "到期", "截止", "期限", "时限", "完成时限",
  "还有几天", "还剩几天", "多久", "几天", "天", "多少", "百分之多少", "百分之几", "几成", "到什么程度", "啥时候", "时候", "截止时间", "截止日期", "到期时间",
  "时间", "日期", "离", "还有", "还剩", "问下", "问一下", "请问", "是不是", "快", "红灯", "绿灯", "黄灯", "灯", "还是", "哪个", "哪几个", "哪家", "哪些", "单位",
  "还差", "差多少", "差", "发我", "发我一下", "最后一次", "最近一次", "上一次", "报的", "量化指标", "指标", "进展到", "都", "你", "您", "机器人", "督办", "and", "tasks", "state",
  "是", "的", "了", "呢", "吗", "么", "嘛", "啊", "呀", "吧", "哈", "啦", "哦", "一下", "下", "那个", "这个", "个", "项", "任务", "工作", "整体",
  "一共", "都", "还", "在", "有", "没有", "没", "有没有", "是否", "是不是", "已经",
  "status", "task", "how", "is", "it", "going", "what", "whats", "the", "of", "on", "about", "show", "me", "please", "progress", "check",
  "tell", "latest", "update", "any", "for", "s", "doing", "where", "are", "we", "with", "who", "leads", "lead", "when", "due", "deadline",
];

/** Said only together with a question: `任务6完成了吗`, `任务6办结没`. */
export const STATUS_FILLER_IN_QUESTION = ["完成", "办完", "做完", "办结", "搞定", "落实", "弄完", "结束", "开始", "启动", "逾期", "超期", "done", "finished", "overdue"];

/** Words that may stand around a list query: `有哪些快到期的任务`, `看看逾期的`. */
export const LIST_FILLER = [
  "哪些", "有哪些", "有没有", "有无", "有几项", "几项", "有几个", "几个", "多少", "多少项", "一共", "共", "总共", "看看", "看一下", "看下", "查", "查查", "查一下", "查询", "查看",
  "列", "列出", "列一下", "清单", "列表", "一下", "的", "了", "任务", "工作", "事项", "项目", "目前", "现在", "当前", "还", "都", "有", "是", "吗", "呢", "呀", "啊", "吧", "哈",
  "情况", "进度", "进展", "怎么样", "如何", "给我", "发", "发下", "发一下", "帮我", "请", "统计", "我", "下", "个", "项", "已经", "已", "出来", "说说", "报", "现有", "所有",
  "本月", "这个月", "当月", "本周", "这周", "近期", "最近", "马上", "年底前", "月底前", "年底", "月底", "今年", "快", "要", "即将", "内", "天内", "以内",
  "下个月", "下月", "明天", "未完成", "没完成", "还没完成", "没办结", "未办结", "还没办结", "哪几项", "哪几个", "几项", "什么", "啥", "情况", "什么情况",
  "机器人", "这个", "你", "您", "督办", "能", "可以", "一览", "如何", "进展如何", "总体进展", "整体进展",
  "把", "汇报", "汇报一下", "推进到", "什么程度", "程度", "办完", "还没办完", "没办完", "接下来", "一个月", "一周", "两周", "未来", "些", "些什么", "些啥", "会", "推送", "都能", "先", "plan", "s", "下周", "提醒", "支持", "督办机器人", "以前", "这个月底", "本月底", "下月底", "按", "要按", "到什么程度", "到", "方案", "计划", "行动", "三年", "实施方案", "推进", "推进情况", "give", "an", "a", "me",
  "which", "tasks", "task", "are", "is", "any", "show", "me", "list", "the", "what", "for", "of", "please", "all", "whats", "status", "there", "how", "many", "get", "this", "month", "week",
];

/** A message that reports work done: `已完成初审`, `组织了培训`, `本周完成3个所的调试`. */
export const DONE_MARKS = /已经?(?!于?明|在准备|计划|安排在|定于)|完成(?!时限|率)|搞定|做完|弄完|办结|结束了|累计|截至|截止目前|目前已|现已|均已|基本完成|取得|实现|(?:开展|组织|召开|举办|举行|上线|部署|安装|调试|培训|提交|上报|报送|印发|出台|制定|建立|建成|通过|对接|推进|落实|采购|配发|签订|验收|启动|挂牌|入选|获评|评上|推荐|审核|测评|整改|排查|录入|采集|开通|接入|发布|参加|走访|检查|督导|升级|改造|配备|引进|选拔|遴选|申报|立项|试点|运行|投用|编制|修订|梳理|汇总|搭建|建设|安装|配发|更换|换装|报送|上传|填报|签署|演练|测试|联调|攻关|研发|培育|组建)(?:了|完毕|完了|好了|结束|到位)|(?:本周|本月|上周|今天|今日|昨天|近期|近日|日前|前期|本季度|今年以来|这周|这个月)(?:共|已|又|新|再|先后|陆续|组织|开展|完成|召开|举办|新增|累计|推进|落实|上报|报送|参加|走访|调试|部署|培训)|(?:提升|提高|增加|增长|下降|降低|减少|缩短|节约|压缩)了|(?:达到|已达|提升至|提高到|提升到)\s*\d|结业|毕业|完工|竣工|闭幕|新增|进展顺利|顺利推进|稳步推进|有序推进|正在推进|持续推进中|正在进行|正在开展|进行中|推进中|done|completed|finished|passed|deployed|launched|trained|held|submitted|installed|progress/i;

/**
 * Weaker signs of done work, colloquial result complements: `装好了`, `挂上了`, `搭起来了`, `发放完毕`.
 * Enough to ask about an update, not to record it unasked ("任务6的群建好了" is chatter).
 */
export const WEAK_DONE_MARKS = /[\u4e00-\u9fff](?:好了|完了|上了|起来了|到位了|下来了)|完毕|新装|新建|新上|又装|[签装建交挂换配]了|已经?[\u4e00-\u9fff]/;

/** Completion words that are not done work: a deadline or a demand ("6月底前完成", "务必完成"). */
export const NOT_DONE = /(?:月|日|号|旬|月底|年底|季度|周[一二三四五六日])\s*(?:前|之前)?\s*(?:要|需|将)?\s*(?:完成|办结|上报|报送|提交|落实|验收)|(?:前|之前|以前|要|需|须|需要|必须|应|应当|抓紧|尽快|务必|争取|确保|计划|将|准备|打算|拟|未|没|没有|尚未|还没|还未|能否|能不能|可否|是否|何时|什么时候|按时|按期)\s*(?:要)?\s*(?:完成|办结|上报|报送|提交|落实|推进)/g;

/** Talk of work still to come: `任务6的材料明天交`, `准备下周开展任务11的设备调试`. */
export const FUTURE_MARKS = /计划(?!书|表|单|中的)|明天|明日|后天|下周|下星期|下个?月|下一阶段|下阶段|过几天|过两天|回头|稍后|晚点|待会|等会|将于|将要|将会|即将|准备|计划于|计划在|打算|拟于|拟在|预计|争取|要在|定于|安排在|tomorrow|next week|next month|will|plan to|going to/i;

/** A request to people, not an update: `下周一前把任务6的台账报上来`, `第二季度的考核材料发我一下`. */
export const REQUEST_MARKS = /请(?!假|示)|务必|麻烦|把.{0,24}(?:报上来|交上来|发我|发给|报给|交给|送过来|发过来|送来|准备好|整理好|弄好)|发我|给我|发给我|报上来|交上来|发过来|送过来|抓紧|尽快|要求各|通知各|提醒大家|请各单位|大家|记得|别忘|please|make sure|remember/i;

/** Leading words of an update before the task: `报告：任务11…`, `关于任务6`, `汇报一下任务六`. */
export const UPDATE_LEAD = /^(?:报告|汇报|报送|进展报告|进展|周报|月报|情况报告|情况汇报|更新|补报|补充|关于|就|update|report)\s*(?:一下)?\s*[:：,，\s-]*/i;

/** Labels that make the words after them an update: `任务6进展：…`, `update task 6: …`. */
export const UPDATE_LABEL = /^\s*(?:的)?\s*(?:最新)?\s*(?:工作)?\s*(?:进展|进度|进展情况|完成情况|推进情况|工作进展|情况|汇报|报告|update|progress)\s*(?:情况)?\s*(?:如下|汇报|报告)?\s*[:：]/i;
