import type { Directory } from "../directory/directory.js";
import { buildLexicon, type Lexicon } from "./interpreter/lexicon.js";
import { SubjectIndex } from "./interpreter/subject-index.js";
import type { PlanRecord, PlanRepository } from "./model.js";

/** What the interpreter knows of one plan: its task subjects and the units it may name. */
export interface Vocabulary {
  subjects: SubjectIndex;
  units: { name: string; aliases: string[] }[];
  /** Short names derived from the tasks' titles and the units' names (issue 25). */
  lexicon: Lexicon;
  /** How many tasks it covers, counted against the cache's limit. */
  tasks: number;
}

/** How many tasks the interpreter's vocabularies may cover in all (about 40 MB of subject index per 100,000 short tasks). */
const VOCABULARY_TASKS = 200_000;

/**
 * The interpreter's vocabulary per plan, least recently used first. Kept for every plan in use up to `maxTasks`
 * tasks in all: a city following 50 plans has messages for any of them, and rebuilding a plan's vocabulary (its
 * tasks, units and subject index) costs far more than answering the message. A re-import makes a new key.
 */
export class VocabularyCache {
  private readonly vocabularies = new Map<string, Vocabulary>();
  private tasks = 0;

  constructor(
    private readonly plans: Pick<PlanRepository, "tasks" | "unitNames">,
    private readonly directory: Pick<Directory, "units">,
    private readonly maxTasks = VOCABULARY_TASKS,
  ) {}

  /** Units and task subjects of `plan` (the directory's units only, and no subjects, when it is null). */
  async of(plan: PlanRecord | null): Promise<Vocabulary> {
    const key = plan ? `${plan.id}:${(plan.revisedAt ?? plan.importedAt).toISOString()}` : "";
    const cached = this.vocabularies.get(key);
    if (cached) {
      this.vocabularies.delete(key);
      this.vocabularies.set(key, cached);
      return cached;
    }
    const tasks = plan ? await this.plans.tasks(plan.id) : [];
    const directoryUnits = this.directory.units.map((u) => ({ name: u.name, aliases: [...u.aliases] }));
    const planUnits = plan ? (await this.plans.unitNames(plan.id)).filter((n) => !directoryUnits.some((u) => u.name === n)) : [];
    const units = [...directoryUnits, ...planUnits.map((name) => ({ name, aliases: [] }))];
    const vocabulary: Vocabulary = {
      subjects: new SubjectIndex(tasks.map((t) => ({ number: t.number, title: t.title, description: t.description, leadUnits: t.leadUnits }))),
      units,
      lexicon: buildLexicon(tasks, units),
      tasks: tasks.length,
    };
    // The old key of a re-imported plan is evicted in its turn, as the least recently used. Two messages may have
    // built the same plan's at once: the one replaced is no longer counted.
    this.tasks -= this.vocabularies.get(key)?.tasks ?? 0;
    this.vocabularies.delete(key);
    this.vocabularies.set(key, vocabulary);
    this.tasks += vocabulary.tasks;
    for (const [old, v] of this.vocabularies) {
      if (this.tasks <= this.maxTasks || old === key) break;
      this.vocabularies.delete(old);
      this.tasks -= v.tasks;
    }
    return vocabulary;
  }
}
