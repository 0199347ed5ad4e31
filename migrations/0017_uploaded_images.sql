CREATE TABLE `image_proxy_cache` (
	`url_hash` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`state` text NOT NULL,
	`storage_path` text,
	`bytes` integer DEFAULT 0 NOT NULL,
	`reason` text,
	`expires_at` integer NOT NULL,
	`used_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `image_proxy_cache_used_idx` ON `image_proxy_cache` (`used_at`);--> statement-breakpoint
CREATE TABLE `uploaded_image_uses` (
	`image_id` integer NOT NULL,
	`item_id` integer NOT NULL,
	PRIMARY KEY(`image_id`, `item_id`),
	FOREIGN KEY (`image_id`) REFERENCES `uploaded_images`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `uploaded_image_uses_item_idx` ON `uploaded_image_uses` (`item_id`);--> statement-breakpoint
CREATE TABLE `uploaded_images` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text NOT NULL,
	`uploader_id` integer,
	`storage_path` text NOT NULL,
	`width` integer NOT NULL,
	`height` integer NOT NULL,
	`bytes` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`uploader_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uploaded_images_uuid_unique` ON `uploaded_images` (`uuid`);--> statement-breakpoint
CREATE INDEX `uploaded_images_uploader_idx` ON `uploaded_images` (`uploader_id`);