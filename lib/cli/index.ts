export { main, runCli } from './main';
