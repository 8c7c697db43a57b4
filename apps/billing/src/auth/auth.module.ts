import { Module } from '@nestjs/common';
import { AuthService } from './auth.service.js';
import { LoginThrottle } from './login-throttle.js';
import { SessionService } from './session.service.js';

@Module({ providers: [AuthService, SessionService, LoginThrottle], exports: [AuthService, SessionService] })
export class AuthModule {}
