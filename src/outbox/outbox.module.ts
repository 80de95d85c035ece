import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { WorkerRuntime } from '../jobs/worker-runtime.service';
import { OutboxDispatcher } from './outbox-dispatcher.service';
import { OutboxRelay } from './outbox-relay.service';

@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [OutboxRelay, OutboxDispatcher, WorkerRuntime],
  exports: [OutboxRelay],
})
export class OutboxModule {}
