CREATE TABLE "access_grants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"scope" text NOT NULL,
	"requested_by" uuid,
	"request_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"granted_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"declined_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "access_grants_scope_valid" CHECK ("access_grants"."scope" in ('read', 'write')),
	CONSTRAINT "access_grants_granted_has_expiry" CHECK (("access_grants"."granted_at" is null) = ("access_grants"."expires_at" is null))
);
--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "impersonation_mode" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "access_grant_id" uuid;--> statement-breakpoint
ALTER TABLE "access_grants" ADD CONSTRAINT "access_grants_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_grants" ADD CONSTRAINT "access_grants_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_grants_user_idx" ON "access_grants" USING btree ("user_id","created_at");--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_access_grant_id_access_grants_id_fk" FOREIGN KEY ("access_grant_id") REFERENCES "public"."access_grants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sessions_access_grant_id_idx" ON "sessions" USING btree ("access_grant_id");--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_impersonation_mode_valid" CHECK ("sessions"."impersonation_mode" is null or "sessions"."impersonation_mode" in ('read', 'write'));