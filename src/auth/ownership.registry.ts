import { Injectable } from '@nestjs/common';

/** Returns the id of the enterprise that owns a resource, or null when it does not exist. */
export type OwnerResolver = (id: string) => Promise<string | null>;

/** Whether a reviewer sits on the resource's panel (an application they were drawn for and have not declined). */
export type PanelResolver = (id: string, reviewerId: string) => Promise<boolean>;

/**
 * The one place that knows which enterprise owns what. Each feature module registers a resolver for its resources
 * (an enterprise owns itself; an application belongs to its enterprise; …) and the guard asks here. Resources an
 * expert reviews also say who sits on their panel: a reviewer reads only what they were drawn to review.
 */
@Injectable()
export class OwnershipRegistry {
  private readonly resolvers = new Map<string, OwnerResolver>([['enterprise', async (id) => id]]);
  private readonly panels = new Map<string, PanelResolver>();

  register(resource: string, resolver: OwnerResolver) {
    if (this.resolvers.has(resource) && resource !== 'enterprise')
      throw new Error(`Owner resolver for ${resource} registered twice`);
    this.resolvers.set(resource, resolver);
  }

  registerPanel(resource: string, resolver: PanelResolver) {
    if (this.panels.has(resource)) throw new Error(`Panel resolver for ${resource} registered twice`);
    this.panels.set(resource, resolver);
  }

  /** Null when the resource has no panel: reviewers are then limited by their role alone. */
  async onPanel(resource: string, id: string, reviewerId: string): Promise<boolean | null> {
    const resolver = this.panels.get(resource);
    return resolver ? resolver(id, reviewerId) : null;
  }

  async ownerOf(resource: string, id: string): Promise<string | null> {
    const resolver = this.resolvers.get(resource);
    if (!resolver) throw new Error(`No owner resolver for ${resource}`);
    return resolver(id);
  }
}
