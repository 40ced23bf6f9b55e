import { Testing } from 'cdktf';
import { removeTestApps } from './helpers/app';

Testing.setupJest();
afterAll(removeTestApps);
