using System.Data.Common;
using System.Text;

using JwtMvc.Core.Auth;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace JwtMvc.Data.Stores;

/// <summary>
/// The write of a rotation on SQLite as two plain commands inside <see cref="SqliteRotationWriter"/>'s write transaction: the claim (a
/// conditional UPDATE whose row count decides, as in the EF path), then one batch that inserts the replacement, forgets
/// the predecessor's sealed copy and touches the session. The statements are exactly the EF path's; what is gone is
/// EF's per-call work (expression parameter extraction, query-cache lookups, change tracking for the insert), which ran
/// while holding <see cref="SqliteWriteGate"/>, the one writer per file: time in the gate caps rotations per second
/// for the whole process (docs/PERFORMANCE.md). Column names, and every value's conversion (ticks for dates, text for
/// GUIDs), come from the EF model, so the commands write what EF would; the INSERT lists every mapped property.
/// </summary>
/// <remarks>
/// One instance per connection, used for every rotation written on it: Microsoft.Data.Sqlite keeps the statements a
/// command has prepared until its text or connection changes, so SQLite parses and plans the four statements once per
/// connection instead of once per rotation (that cut the writer's CPU per rotation by about a sixth).
/// </remarks>
internal sealed class SqliteRotation : IDisposable
{
    private readonly IEntityType tokens;
    private readonly IEntityType sessions;
    private readonly DbCommand claim;
    private readonly DbCommand complete;

    public SqliteRotation(AppDbContext db)
    {
        tokens = db.Model.FindEntityType(typeof(RefreshToken))!;
        sessions = db.Model.FindEntityType(typeof(Session))!;
        var statements = new Statements(tokens, sessions); // built once per connection, with the commands
        var connection = db.Database.GetDbConnection();
        claim = connection.CreateCommand();
        claim.CommandText = statements.Claim;
        complete = connection.CreateCommand();
        complete.CommandText = statements.Complete;
    }

    /// <summary>Marks <paramref name="usedTokenId"/> used if it still is unused and unrevoked; true when it did.</summary>
    public async Task<bool> ClaimAsync(
        DbTransaction transaction, Guid usedTokenId, RefreshToken replacement, byte[]? sealedReplacement, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var command = Reset(claim, transaction);
        Add(command, tokens, nameof(RefreshToken.UsedAt), "$now", now);
        Add(command, tokens, nameof(RefreshToken.ReplacedByHash), "$replacedBy", replacement.TokenHash);
        Add(command, tokens, nameof(RefreshToken.SealedReplacement), "$sealed", sealedReplacement);
        Add(command, tokens, nameof(RefreshToken.Id), "$id", usedTokenId);
        Add(command, tokens, nameof(RefreshToken.SessionId), "$sessionId", replacement.SessionId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>After a successful claim: stores <paramref name="replacement"/>, clears the sealed copy the used token's predecessor kept, touches the session and counts the rotation.</summary>
    public async Task CompleteAsync(
        DbTransaction transaction, Guid usedTokenId, RefreshToken replacement, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var command = Reset(complete, transaction);
        var i = 0;
        foreach (var property in tokens.GetProperties())
        {
            Add(command, property, "$p" + i++, property.GetGetter().GetClrValue(replacement));
        }

        Add(command, tokens, nameof(RefreshToken.Id), "$usedId", usedTokenId);
        Add(command, sessions, nameof(Session.LastUsedAt), "$now", now);
        Add(command, sessions, nameof(Session.Id), "$sessionId", replacement.SessionId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public void Dispose()
    {
        claim.Dispose();
        complete.Dispose();
    }

    // The text stays, so the prepared statements stay; only the parameters and the transaction change.
    private static DbCommand Reset(DbCommand command, DbTransaction transaction)
    {
        command.Transaction = transaction;
        command.Parameters.Clear();
        return command;
    }

    private static void Add(DbCommand command, IEntityType entity, string property, string name, object? value) =>
        Add(command, entity.FindProperty(property)!, name, value);

    private static void Add(DbCommand command, IProperty property, string name, object? value) =>
        command.Parameters.Add(property.GetRelationalTypeMapping().CreateParameter(command, name, value, property.IsNullable));

    private sealed class Statements
    {
        public Statements(IEntityType tokens, IEntityType sessions)
        {
            var t = new Names(tokens);
            var s = new Names(sessions);
            Claim = $"UPDATE {t.Table} SET {t[nameof(RefreshToken.UsedAt)]} = $now, {t[nameof(RefreshToken.ReplacedByHash)]} = $replacedBy, "
                + $"{t[nameof(RefreshToken.SealedReplacement)]} = $sealed "
                + $"WHERE {t[nameof(RefreshToken.Id)]} = $id AND {t[nameof(RefreshToken.SessionId)]} = $sessionId "
                + $"AND {t[nameof(RefreshToken.UsedAt)]} IS NULL AND {t[nameof(RefreshToken.RevokedAt)]} IS NULL;";

            var properties = tokens.GetProperties().ToList();
            var insert = new StringBuilder($"INSERT INTO {t.Table} (")
                .AppendJoin(", ", properties.Select(p => SqliteSql.Quote(p.GetColumnName())))
                .Append(") VALUES (")
                .AppendJoin(", ", properties.Select((_, i) => "$p" + i))
                .Append(");");
            Complete = insert
                + $" UPDATE {t.Table} SET {t[nameof(RefreshToken.SealedReplacement)]} = NULL "
                + $"WHERE {t[nameof(RefreshToken.Id)]} = (SELECT {t[nameof(RefreshToken.ReplacesId)]} FROM {t.Table} WHERE {t[nameof(RefreshToken.Id)]} = $usedId) "
                + $"AND {t[nameof(RefreshToken.SealedReplacement)]} IS NOT NULL;"
                + $" UPDATE {s.Table} SET {s[nameof(Session.LastUsedAt)]} = $now, {s[nameof(Session.Rotations)]} = {s[nameof(Session.Rotations)]} + 1 "
                + $"WHERE {s[nameof(Session.Id)]} = $sessionId;";
        }

        public string Claim { get; }

        public string Complete { get; }

        private sealed class Names(IEntityType entity)
        {
            public string Table { get; } = SqliteSql.Quote(entity.GetTableName()!);

            public string this[string property] => SqliteSql.Quote(entity.FindProperty(property)!.GetColumnName());
        }
    }
}
