/**
 * Display names learnt from the chat network, by user id: the Matrix transport fills it from profiles
 * (`client.getUserProfile`), once per person per run, and the directory reads it where its file names nobody.
 */
export class NameBook {
  private readonly names = new Map<string, string>();
  private readonly looked = new Set<string>();

  /** Keep what the profile said for a person; no name (or a blank one) means the id will be shown. */
  remember(user: string, name: string | undefined | null): void {
    this.looked.add(user);
    const clean = name?.trim();
    if (clean) this.names.set(user, clean);
    else this.names.delete(user);
  }

  /** Whether the person's profile was looked up already this run, whatever it said. */
  knows(user: string): boolean {
    return this.looked.has(user);
  }

  nameOf(user: string): string | undefined {
    return this.names.get(user);
  }
}
