using JwtMvc.Core;
using JwtMvc.Data;
using JwtMvc.Web;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddJwtMvcCore(builder.Configuration);
builder.Services.AddJwtMvcData(builder.Configuration);
builder.Services.AddJwtMvcWeb(builder.Configuration);

var app = builder.Build();

// The database is made ready (migrations, seeding) on a second thread while this one builds the pipeline, which needs
// no database: on two cores or more the start is shorter (docs/PERFORMANCE.md). Both finish before the host starts.
var databaseReady = Task.Run(() => app.PrepareDatabaseAsync());
app.UseJwtMvcPipeline();
await databaseReady;

await app.RunAsync();

/// <summary>The entry point, visible to <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
