CREATE TABLE `notification_reads` (
	`actor_id` integer PRIMARY KEY NOT NULL,
	`seen_at` integer NOT NULL,
	FOREIGN KEY (`actor_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`group_id` integer,
	`reporter_id` integer NOT NULL,
	`item_id` integer,
	`target_actor_id` integer,
	`reason` text DEFAULT '' NOT NULL,
	`state` text DEFAULT 'open' NOT NULL,
	`outcome` text,
	`note` text DEFAULT '' NOT NULL,
	`decided_by_id` integer,
	`decided_at` integer,
	`activity_iri` text,
	`from_host` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`reporter_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`target_actor_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`decided_by_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `reports_group_state_idx` ON `reports` (`group_id`,`state`,`id`);--> statement-breakpoint
CREATE INDEX `reports_reporter_idx` ON `reports` (`reporter_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `reports_host_idx` ON `reports` (`from_host`,`created_at`);--> statement-breakpoint
CREATE INDEX `reports_item_idx` ON `reports` (`item_id`);--> statement-breakpoint
CREATE INDEX `reports_target_idx` ON `reports` (`target_actor_id`);