using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace JwtMvc.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SessionActiveIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Sessions_UserId",
                table: "Sessions");

            migrationBuilder.CreateIndex(
                name: "IX_Sessions_UserId_RevokedAt_ExpiresAt",
                table: "Sessions",
                columns: new[] { "UserId", "RevokedAt", "ExpiresAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Sessions_UserId_RevokedAt_ExpiresAt",
                table: "Sessions");

            migrationBuilder.CreateIndex(
                name: "IX_Sessions_UserId",
                table: "Sessions",
                column: "UserId");
        }
    }
}
