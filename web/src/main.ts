import { createApp } from 'vue';
import 'vant/lib/index.css';
import './app.css';
import App from './App.vue';
import { router } from './router';

createApp(App).use(router).mount('#app');

// The app shell for reopening the app with no network (built only; see web/service-worker.js).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => { void navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`); });
}
