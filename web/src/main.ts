import './styles/app.css';
import { startApp } from './app/app';

const root = document.getElementById('app');
if (!root) throw new Error('index.html must contain <div id="app">');
startApp({ window, root });
