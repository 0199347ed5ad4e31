CREATE TABLE `accounts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`actor_id` integer NOT NULL,
	`email` text NOT NULL,
	`password_hash` text NOT NULL,
	`is_admin` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`actor_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_actor_id_unique` ON `accounts` (`actor_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_email_unique` ON `accounts` (`email`);--> statement-breakpoint
CREATE TABLE `login_attempts` (
	`key` text PRIMARY KEY NOT NULL,
	`failures` integer NOT NULL,
	`window_start` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`account_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_account_idx` ON `sessions` (`account_id`);--> statement-breakpoint
CREATE TABLE `actor_keys` (
	`actor_id` integer NOT NULL,
	`algorithm` text NOT NULL,
	`private_key_jwk` text NOT NULL,
	`public_key_jwk` text NOT NULL,
	FOREIGN KEY (`actor_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `actor_keys_actor_alg_idx` ON `actor_keys` (`actor_id`,`algorithm`);--> statement-breakpoint
CREATE TABLE `actors` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`iri` text NOT NULL,
	`type` text NOT NULL,
	`handle` text NOT NULL,
	`host` text NOT NULL,
	`is_local` integer NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`summary` text DEFAULT '' NOT NULL,
	`job_title` text DEFAULT '' NOT NULL,
	`organisation` text DEFAULT '' NOT NULL,
	`url` text,
	`inbox_url` text,
	`shared_inbox_url` text,
	`followers_url` text,
	`manually_approves_followers` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`fetched_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `actors_iri_unique` ON `actors` (`iri`);--> statement-breakpoint
CREATE UNIQUE INDEX `actors_handle_host_idx` ON `actors` (`handle`,`host`);--> statement-breakpoint
CREATE INDEX `actors_local_idx` ON `actors` (`is_local`,`type`);--> statement-breakpoint
CREATE TABLE `communities` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`actor_id` integer NOT NULL,
	`visibility` text NOT NULL,
	`created_by_id` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`actor_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `communities_actor_id_unique` ON `communities` (`actor_id`);--> statement-breakpoint
CREATE TABLE `memberships` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`group_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`state` text NOT NULL,
	`role` text DEFAULT 'member' NOT NULL,
	`request_iri` text,
	`request_type` text DEFAULT 'Follow' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`decided_at` integer,
	FOREIGN KEY (`group_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `memberships_group_member_idx` ON `memberships` (`group_id`,`member_id`);--> statement-breakpoint
CREATE INDEX `memberships_member_idx` ON `memberships` (`member_id`);--> statement-breakpoint
CREATE INDEX `memberships_group_state_idx` ON `memberships` (`group_id`,`state`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`follower_id` integer NOT NULL,
	`followee_id` integer NOT NULL,
	`state` text NOT NULL,
	`request_iri` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`follower_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`followee_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_request_iri_unique` ON `contacts` (`request_iri`);--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_pair_idx` ON `contacts` (`follower_id`,`followee_id`);--> statement-breakpoint
CREATE INDEX `contacts_followee_idx` ON `contacts` (`followee_id`,`state`);--> statement-breakpoint
CREATE TABLE `community_sections` (
	`group_id` integer NOT NULL,
	`section` text NOT NULL,
	`enabled` integer NOT NULL,
	PRIMARY KEY(`group_id`, `section`),
	FOREIGN KEY (`group_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `item_groups` (
	`item_id` integer NOT NULL,
	`group_id` integer NOT NULL,
	PRIMARY KEY(`item_id`, `group_id`),
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`group_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `item_groups_group_idx` ON `item_groups` (`group_id`);--> statement-breakpoint
CREATE TABLE `items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`iri` text NOT NULL,
	`kind` text NOT NULL,
	`author_id` integer NOT NULL,
	`parent_id` integer,
	`root_id` integer,
	`title` text DEFAULT '' NOT NULL,
	`summary` text DEFAULT '' NOT NULL,
	`body_source` text,
	`body_html` text DEFAULT '' NOT NULL,
	`url` text,
	`visibility` text NOT NULL,
	`status` text DEFAULT 'published' NOT NULL,
	`is_local` integer NOT NULL,
	`published_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`activity_at` integer NOT NULL,
	`deleted_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`author_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`parent_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`root_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `items_iri_unique` ON `items` (`iri`);--> statement-breakpoint
CREATE INDEX `items_kind_activity_idx` ON `items` (`kind`,`activity_at`);--> statement-breakpoint
CREATE INDEX `items_parent_idx` ON `items` (`parent_id`);--> statement-breakpoint
CREATE INDEX `items_root_idx` ON `items` (`root_id`);--> statement-breakpoint
CREATE INDEX `items_author_idx` ON `items` (`author_id`);--> statement-breakpoint
CREATE TABLE `documents` (
	`item_id` integer PRIMARY KEY NOT NULL,
	`file_name` text NOT NULL,
	`media_type` text NOT NULL,
	`size` integer,
	`sha256` text,
	`storage_path` text,
	`remote_url` text,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `documents_sha256_idx` ON `documents` (`sha256`);--> statement-breakpoint
CREATE TABLE `ratings` (
	`item_id` integer NOT NULL,
	`actor_id` integer NOT NULL,
	`stars` integer,
	`like_iri` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`item_id`, `actor_id`),
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "ratings_stars_range" CHECK("ratings"."stars" is null or "ratings"."stars" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE `events` (
	`item_id` integer PRIMARY KEY NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`timezone` text DEFAULT 'Europe/London' NOT NULL,
	`location_name` text DEFAULT '' NOT NULL,
	`location_address` text DEFAULT '' NOT NULL,
	`online_url` text,
	`contact` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `events_starts_idx` ON `events` (`starts_at`);--> statement-breakpoint
CREATE INDEX `events_ends_idx` ON `events` (`ends_at`);--> statement-breakpoint
CREATE TABLE `rsvps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_id` integer NOT NULL,
	`actor_id` integer NOT NULL,
	`status` text NOT NULL,
	`activity_iri` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rsvps_item_actor_idx` ON `rsvps` (`item_id`,`actor_id`);--> statement-breakpoint
CREATE INDEX `rsvps_activity_idx` ON `rsvps` (`activity_iri`);--> statement-breakpoint
CREATE TABLE `fedify_kv` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`expires_at` integer
);
--> statement-breakpoint
CREATE INDEX `fedify_kv_expires_idx` ON `fedify_kv` (`expires_at`);--> statement-breakpoint
CREATE TABLE `fedify_queue` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message` text NOT NULL,
	`ordering_key` text,
	`available_at` integer NOT NULL,
	`claimed_by` text,
	`claimed_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `fedify_queue_ready_idx` ON `fedify_queue` (`claimed_by`,`available_at`);--> statement-breakpoint
CREATE INDEX `fedify_queue_ordering_idx` ON `fedify_queue` (`ordering_key`,`id`);--> statement-breakpoint
CREATE TABLE `inbox_seen` (
	`activity_iri` text PRIMARY KEY NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`iri` text NOT NULL,
	`sender_id` integer NOT NULL,
	`recipient_id` integer NOT NULL,
	`body_html` text NOT NULL,
	`body_source` text,
	`in_reply_to_iri` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`read_at` integer,
	FOREIGN KEY (`sender_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`recipient_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_iri_unique` ON `messages` (`iri`);--> statement-breakpoint
CREATE INDEX `messages_sender_recipient_idx` ON `messages` (`sender_id`,`recipient_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `messages_recipient_unread_idx` ON `messages` (`recipient_id`,`read_at`);--> statement-breakpoint
CREATE TABLE `person_profiles` (
	`actor_id` integer PRIMARY KEY NOT NULL,
	`location` text DEFAULT '' NOT NULL,
	`email` text DEFAULT '' NOT NULL,
	`email_visibility` text DEFAULT 'contacts' NOT NULL,
	`phone` text DEFAULT '' NOT NULL,
	`phone_visibility` text DEFAULT 'contacts' NOT NULL,
	`website` text DEFAULT '' NOT NULL,
	`website_visibility` text DEFAULT 'public' NOT NULL,
	`service_areas` text DEFAULT '' NOT NULL,
	`photo_updated_at` integer,
	`icon_url` text,
	`approve_contacts` integer DEFAULT false NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`actor_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `person_tags` (
	`actor_id` integer NOT NULL,
	`kind` text NOT NULL,
	`tag` text NOT NULL,
	PRIMARY KEY(`actor_id`, `kind`, `tag`),
	FOREIGN KEY (`actor_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `person_tags_tag_idx` ON `person_tags` (`tag`);--> statement-breakpoint
CREATE TABLE `taggings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_id` integer NOT NULL,
	`tag_id` integer NOT NULL,
	`tagger_id` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tag_id`) REFERENCES `tags`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tagger_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `taggings_item_tag_tagger_idx` ON `taggings` (`item_id`,`tag_id`,`tagger_id`);--> statement-breakpoint
CREATE INDEX `taggings_tag_idx` ON `taggings` (`tag_id`);--> statement-breakpoint
CREATE TABLE `tags` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`display` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tags_name_unique` ON `tags` (`name`);--> statement-breakpoint
CREATE TABLE `wiki_pending_edits` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`group_id` integer NOT NULL,
	`item_id` integer,
	`author_id` integer NOT NULL,
	`activity_iri` text NOT NULL,
	`base_number` integer NOT NULL,
	`title` text NOT NULL,
	`body_source` text NOT NULL,
	`reason` text NOT NULL,
	`state` text NOT NULL,
	`message` text,
	`revision_number` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`decided_at` integer,
	FOREIGN KEY (`group_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `wiki_pending_edits_activity_iri_unique` ON `wiki_pending_edits` (`activity_iri`);--> statement-breakpoint
CREATE INDEX `wiki_pending_edits_item_author_idx` ON `wiki_pending_edits` (`item_id`,`author_id`);--> statement-breakpoint
CREATE INDEX `wiki_pending_edits_group_author_idx` ON `wiki_pending_edits` (`group_id`,`author_id`);--> statement-breakpoint
CREATE TABLE `wiki_related` (
	`item_id` integer NOT NULL,
	`related_item_id` integer NOT NULL,
	PRIMARY KEY(`item_id`, `related_item_id`),
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`related_item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `wiki_related_related_idx` ON `wiki_related` (`related_item_id`);--> statement-breakpoint
CREATE TABLE `wiki_revisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_id` integer NOT NULL,
	`number` integer NOT NULL,
	`title` text NOT NULL,
	`body_source` text,
	`body_html` text NOT NULL,
	`reason` text NOT NULL,
	`author_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`iri` text NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `wiki_revisions_iri_unique` ON `wiki_revisions` (`iri`);--> statement-breakpoint
CREATE UNIQUE INDEX `wiki_revisions_item_number_idx` ON `wiki_revisions` (`item_id`,`number`);