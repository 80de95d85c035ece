import { Injectable } from '@nestjs/common';

/** Returns the id of the enterprise that owns a resource, or null when it does not exist. */
export type OwnerResolver = (id: string) => Promise<string | null>;

/**
 * The one place that knows which enterprise owns what. Each feature module registers a resolver for its resources
 * (an enterprise owns itself; an application belongs to its enterprise; …) and the guard asks here.
 */
@Injectable()
export class OwnershipRegistry {
  private readonly resolvers = new Map<string, OwnerResolver>([['enterprise', async (id) => id]]);

  register(resource: string, resolver: OwnerResolver) {
    if (this.resolvers.has(resource) && resource !== 'enterprise')
      throw new Error(`Owner resolver for ${resource} registered twice`);
    this.resolvers.set(resource, resolver);
  }

  async ownerOf(resource: string, id: string): Promise<string | null> {
    const resolver = this.resolvers.get(resource);
    if (!resolver) throw new Error(`No owner resolver for ${resource}`);
    return resolver(id);
  }
}
