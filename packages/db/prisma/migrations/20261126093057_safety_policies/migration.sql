-- CreateTable
CREATE TABLE "safety_policies" (
    "plan" TEXT NOT NULL,
    "overrides" JSONB NOT NULL DEFAULT '{}',
    "updated_by" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "safety_policies_pkey" PRIMARY KEY ("plan")
);

-- CreateTable
CREATE TABLE "safety_flags" (
    "id" TEXT NOT NULL,
    "request_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "plan" TEXT NOT NULL,
    "surface" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "model" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "safety_flags_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "safety_flags_created_at_idx" ON "safety_flags"("created_at");
