import { createRouter, createWebHistory } from 'vue-router';
import Login from './pages/Login.vue';
import { homeFor, session } from './api/session';

// Only the login screen is in the first bundle; every role's pages load when first opened.
export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    { path: '/', redirect: () => homeFor(session.current) },
    { path: '/login', component: Login, meta: { public: true } },
    { path: '/t/:code', component: () => import('./pages/Trace.vue'), meta: { public: true } },
    { path: '/farmer/login', component: () => import('./pages/farmer/FarmerLogin.vue'), meta: { public: true } },
    { path: '/farmer', component: () => import('./pages/farmer/FarmerHome.vue'), meta: { kind: 'farmer' } },
    { path: '/farmer/statements/:id', component: () => import('./pages/farmer/FarmerStatement.vue'), meta: { kind: 'farmer' } },
    { path: '/agent/point', component: () => import('./pages/agent/PickPoint.vue'), meta: { roles: ['AGENT', 'ADMIN'] } },
    { path: '/agent', component: () => import('./pages/agent/AgentHome.vue'), meta: { roles: ['AGENT', 'ADMIN'] } },
    { path: '/agent/intake', component: () => import('./pages/agent/Intake.vue'), meta: { roles: ['AGENT', 'ADMIN'] } },
    { path: '/agent/consignments/:id', component: () => import('./pages/agent/Consignment.vue'), meta: { roles: ['AGENT', 'ADMIN'] } },
    { path: '/agent/queue', component: () => import('./pages/agent/OfflineQueue.vue'), meta: { roles: ['AGENT', 'ADMIN'] } },
    { path: '/agent/day-sheet', component: () => import('./pages/agent/DaySheet.vue'), meta: { roles: ['AGENT', 'ADMIN'] } },
    { path: '/agent/batches', component: () => import('./pages/agent/Batches.vue'), meta: { roles: ['AGENT', 'ADMIN'] } },
    { path: '/agent/batches/:id', component: () => import('./pages/agent/Batch.vue'), meta: { roles: ['AGENT', 'ADMIN'] } },
    { path: '/agent/cash-payouts', component: () => import('./pages/agent/CashPayouts.vue'), meta: { roles: ['AGENT', 'ADMIN'] } },
    { path: '/agent/parcels', component: () => import('./pages/agent/Parcels.vue'), meta: { roles: ['AGENT', 'ADMIN'] } },
    { path: '/warehouse', component: () => import('./pages/warehouse/WarehouseHome.vue'), meta: { roles: ['WAREHOUSE_STAFF', 'ADMIN'] } },
    { path: '/warehouse/batches/:id', component: () => import('./pages/warehouse/ReceiveBatch.vue'), meta: { roles: ['WAREHOUSE_STAFF', 'ADMIN'] } },
    { path: '/warehouse/packing', component: () => import('./pages/warehouse/Packing.vue'), meta: { roles: ['WAREHOUSE_STAFF', 'ADMIN'] } },
    { path: '/warehouse/lots/:id', component: () => import('./pages/warehouse/LotTrace.vue'), meta: { roles: ['WAREHOUSE_STAFF', 'ADMIN', 'REGION_MANAGER'] } },
    { path: '/warehouse/stock', component: () => import('./pages/warehouse/Stock.vue'), meta: { roles: ['WAREHOUSE_STAFF', 'ADMIN', 'REGION_MANAGER'] } },
    { path: '/manager', component: () => import('./pages/manager/Dashboard.vue'), meta: { roles: ['ADMIN', 'REGION_MANAGER'] } },
    { path: '/manager/settlement-runs', component: () => import('./pages/manager/SettlementRuns.vue'), meta: { roles: ['ADMIN', 'REGION_MANAGER'] } },
    { path: '/manager/users', component: () => import('./pages/manager/Users.vue'), meta: { roles: ['ADMIN'] } },
    { path: '/manager/points', component: () => import('./pages/manager/Points.vue'), meta: { roles: ['ADMIN', 'REGION_MANAGER'] } },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
});

router.beforeEach((to) => {
  if (to.meta.public) return true;
  const s = session.current;
  if (to.meta.kind === 'farmer') return s?.kind === 'farmer' ? true : '/farmer/login';
  if (!s || s.kind !== 'staff') return '/login';
  const roles = to.meta.roles as string[] | undefined;
  if (roles && !roles.includes(s.role)) return homeFor(s);
  return true;
});
