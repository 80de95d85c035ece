import { Global, Module } from '@nestjs/common';
import { MachineRegistry } from './machine-registry';
import { TransitionService } from './transition.service';

@Global()
@Module({ providers: [MachineRegistry, TransitionService], exports: [MachineRegistry, TransitionService] })
export class StateModule {}
