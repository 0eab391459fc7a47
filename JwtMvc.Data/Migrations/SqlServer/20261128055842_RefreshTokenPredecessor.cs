using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace JwtMvc.Data.Migrations.SqlServer
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
                type: "uniqueidentifier",
                nullable: true);

            // Every stored token learns its predecessor, found through the index that is dropped next.
            migrationBuilder.Sql("""
                UPDATE [t] SET [t].[ReplacesId] = [p].[Id]
                FROM [RefreshTokens] AS [t]
                INNER JOIN [RefreshTokens] AS [p] ON [p].[ReplacedByHash] = [t].[TokenHash] AND [p].[SessionId] = [t].[SessionId];
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
