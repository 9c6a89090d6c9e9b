import { index, pgEnum, pgTable, serial, text, integer, timestamp } from 'drizzle-orm/pg-core';

export const role = pgEnum('role', ['owner', 'member', 'viewer']);

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name'),
  billingEmail: text('billing_email').notNull(),
  role: role('role').default('member').notNull(),
  createdAt: timestamp('created_at').defaultNow().notNull(),
});

export const projects = pgTable('projects', {
  id: serial('id').primaryKey(),
  ownerId: integer('owner_id').notNull().references(() => users.id),
  name: text('name').notNull(),
});

export const deployments = pgTable('deployments', {
  id: serial('id').primaryKey(),
  projectId: integer('project_id').notNull().references(() => projects.id),
  commitSha: text('commit_sha').notNull(),
  createdAt: timestamp('created_at').defaultNow().notNull(),
}, (t) => [index('deployments_project_idx').on(t.projectId)]);
