using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace JwtMvc.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RefreshTokenPredecessor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ReplacesId",
                table: "RefreshTokens",
                type: "TEXT",
                nullable: true);

            // Every stored token learns its predecessor, found through the index that is dropped next.
            migrationBuilder.Sql("""
                UPDATE "RefreshTokens" SET "ReplacesId" = "p"."Id"
                FROM "RefreshTokens" AS "p"
                WHERE "p"."ReplacedByHash" = "RefreshTokens"."TokenHash" AND "p"."SessionId" = "RefreshTokens"."SessionId";
                """);

            migrationBuilder.DropIndex(
                name: "IX_RefreshTokens_ReplacedByHash",
                table: "RefreshTokens");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ReplacesId",
                table: "RefreshTokens");

            migrationBuilder.CreateIndex(
                name: "IX_RefreshTokens_ReplacedByHash",
                table: "RefreshTokens",
                column: "ReplacedByHash");
        }
    }
}
