import { Injectable, Module } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OutboxEventEntity } from '../../src/outbox/outbox-event.entity';
import { OnOutboxEvent } from '../../src/outbox/outbox-subscriber.decorator';

/** Test-only consumer that counts the effects of each outbox event, to prove "exactly once to effect". */
@Injectable()
export class CountingSubscriber {
  readonly effects = new Map<string, number>();
  failNext = 0;

  @OnOutboxEvent('enterprise.exited')
  async onExited(event: OutboxEventEntity, _manager: EntityManager) {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('simulated subscriber failure');
    }
    this.effects.set(event.id, (this.effects.get(event.id) ?? 0) + 1);
  }
}

@Module({ providers: [CountingSubscriber], exports: [CountingSubscriber] })
export class CountingSubscriberModule {}
