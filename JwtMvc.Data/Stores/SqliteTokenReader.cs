using System.Collections.Concurrent;
using System.Data.Common;
using System.Linq.Expressions;

using JwtMvc.Core.Auth;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Data.Stores;

/// <summary>
/// A rotation's first read on SQLite (the refresh token by its hash, its session, and its user's concurrency stamp) on
/// connections this instance keeps open, each with the SELECT prepared once. The EF query it stands in for
/// (<see cref="SessionStore"/>'s compiled query, still used on SQL Server) opened a pooled connection, registered EF's
/// SQL functions on it, had SQLite parse and plan the three-table join, and closed the connection again, on every
/// refresh: about 12% of the server's CPU under refresh load (docs/PERFORMANCE.md). Column names, the method that
/// reads each column and its value conversion all come from the EF model, so a row reads as EF would read it.
/// </summary>
/// <remarks>
/// A connection holds no read transaction between reads: the reader is disposed before the connection goes back, so
/// every read sees the last commit, as a fresh connection would. At most <see cref="MaxIdleConnections"/> stay open.
/// </remarks>
internal sealed class SqliteTokenReader(IServiceScopeFactory scopes) : IAsyncDisposable
{
    // Reads run on the thread pool, a few at a time on a small machine; more idle connections would only hold memory.
    internal const int MaxIdleConnections = 8;

    private readonly ConcurrentStack<ReaderConnection> idle = new();
    private Query? query;
    private bool disposed;

    public async Task<TokenWithSession?> FindTokenWithSessionAsync(string tokenHash, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var connection = idle.TryPop(out var pooled) ? pooled : await OpenAsync();
        TokenWithSession? found;
        try
        {
            found = await connection.FindAsync(tokenHash, cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync(); // whatever failed, that connection is not used again
            throw;
        }

        if (Volatile.Read(ref disposed) || idle.Count >= MaxIdleConnections)
        {
            await connection.DisposeAsync();
        }
        else
        {
            idle.Push(connection);
        }

        return found;
    }

    public async ValueTask DisposeAsync()
    {
        Volatile.Write(ref disposed, true);
        while (idle.TryPop(out var connection))
        {
            await connection.DisposeAsync();
        }
    }

    private async Task<ReaderConnection> OpenAsync()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed), this);
        var kept = await KeptConnection.OpenAsync(scopes);
        try
        {
            query ??= new Query(kept.Db.Model);
            return new ReaderConnection(kept, query.Prepare(kept.Db.Database.GetDbConnection()), query); // preparing fails on a file without the tables
        }
        catch
        {
            await kept.DisposeAsync();
            throw;
        }
    }

    /// <summary>One kept connection and the SELECT prepared on it.</summary>
    private sealed class ReaderConnection(KeptConnection kept, DbCommand select, Query query) : IAsyncDisposable
    {
        public async Task<TokenWithSession?> FindAsync(string tokenHash, CancellationToken cancellationToken)
        {
            select.Parameters[0].Value = tokenHash;
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? query.Materialize(reader) : null;
        }

        public async ValueTask DisposeAsync()
        {
            await select.DisposeAsync();
            await kept.DisposeAsync();
        }
    }

    /// <summary>The SELECT and the row's materializer, built once from the EF model.</summary>
    private sealed class Query
    {
        private readonly string text;
        private readonly IProperty hashProperty;
        private readonly int sessionOffset;
        private readonly int sessionKeyOrdinal;
        private readonly int stampOrdinal;
        private readonly Func<DbDataReader, int, RefreshToken> readToken;
        private readonly Func<DbDataReader, int, Session> readSession;

        public Query(IModel model)
        {
            var tokens = model.FindEntityType(typeof(RefreshToken))!;
            var sessions = model.FindEntityType(typeof(Session))!;
            var users = model.FindEntityType(typeof(AppUser))!;
            var tokenProperties = tokens.GetProperties().ToList();
            var sessionProperties = sessions.GetProperties().ToList();
            hashProperty = tokens.FindProperty(nameof(RefreshToken.TokenHash))!;
            sessionOffset = tokenProperties.Count;
            var sessionKey = sessions.FindPrimaryKey()!.Properties.Single();
            sessionKeyOrdinal = sessionOffset + sessionProperties.IndexOf(sessionKey);
            stampOrdinal = tokenProperties.Count + sessionProperties.Count;
            readToken = Materializer<RefreshToken>(tokenProperties);
            readSession = Materializer<Session>(sessionProperties);

            string Column(string alias, IProperty property) => alias + "." + SqliteSql.Quote(property.GetColumnName());
            var tokenKey = tokens.FindProperty(nameof(RefreshToken.SessionId))!;
            var tokenUser = tokens.FindProperty(nameof(RefreshToken.UserId))!;
            text = "SELECT "
                + string.Join(", ", tokenProperties.Select(p => Column("t", p)).Concat(sessionProperties.Select(p => Column("s", p))))
                + ", " + Column("u", users.FindProperty(nameof(AppUser.ConcurrencyStamp))!)
                + $" FROM {SqliteSql.Quote(tokens.GetTableName()!)} AS t"
                + $" LEFT JOIN {SqliteSql.Quote(sessions.GetTableName()!)} AS s ON {Column("s", sessionKey)} = {Column("t", tokenKey)}"
                + $" LEFT JOIN {SqliteSql.Quote(users.GetTableName()!)} AS u ON {Column("u", users.FindPrimaryKey()!.Properties.Single())} = {Column("t", tokenUser)}"
                + $" WHERE {Column("t", hashProperty)} = $hash LIMIT 1;";
        }

        public DbCommand Prepare(DbConnection connection)
        {
            var command = connection.CreateCommand();
            command.CommandText = text;
            command.Parameters.Add(hashProperty.GetRelationalTypeMapping().CreateParameter(command, "$hash", string.Empty, nullable: false));
            command.Prepare();
            return command;
        }

        // A LEFT JOIN that found no session leaves its key column null; the session's key is never null otherwise.
        public TokenWithSession Materialize(DbDataReader reader) => new(
            readToken(reader, 0),
            reader.IsDBNull(sessionKeyOrdinal) ? null : readSession(reader, sessionOffset),
            reader.IsDBNull(stampOrdinal) ? null : reader.GetString(stampOrdinal));

        // (reader, first ordinal) => new T { P0 = column 0, P1 = column 1, ... }: each column read by the method its EF
        // type mapping names and converted by its EF value converter, as EF's own shaper reads it.
        private static Func<DbDataReader, int, T> Materializer<T>(IReadOnlyList<IProperty> properties)
        {
            var reader = Expression.Parameter(typeof(DbDataReader), "reader");
            var offset = Expression.Parameter(typeof(int), "offset");
            var isDbNull = typeof(DbDataReader).GetMethod(nameof(DbDataReader.IsDBNull), [typeof(int)])!;
            var bindings = new List<MemberBinding>();
            for (var i = 0; i < properties.Count; i++)
            {
                var property = properties[i];
                var mapping = property.GetRelationalTypeMapping();
                var ordinal = Expression.Add(offset, Expression.Constant(i));
                Expression value = mapping.CustomizeDataReaderExpression(Expression.Call(reader, mapping.GetDataReaderMethod(), ordinal));
                if (mapping.Converter is { } converter)
                {
                    var fromProvider = converter.ConvertFromProviderExpression;
                    value = Expression.Invoke(fromProvider, Convert(value, fromProvider.Parameters[0].Type));
                }

                value = Convert(value, property.ClrType);
                if (property.IsNullable)
                {
                    value = Expression.Condition(Expression.Call(reader, isDbNull, ordinal), Expression.Default(property.ClrType), value);
                }

                bindings.Add(Expression.Bind(property.PropertyInfo ?? throw new InvalidOperationException(
                    $"{typeof(T).Name}.{property.Name} has no CLR property; {nameof(SqliteTokenReader)} reads mapped properties only."), value));
            }

            return Expression.Lambda<Func<DbDataReader, int, T>>(Expression.MemberInit(Expression.New(typeof(T)), bindings), reader, offset).Compile();
        }

        private static Expression Convert(Expression value, Type type) => value.Type == type ? value : Expression.Convert(value, type);
    }
}
