using JwtMvc.Core;
using JwtMvc.Data;
using JwtMvc.Web;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddJwtMvcCore(builder.Configuration);
builder.Services.AddJwtMvcData(builder.Configuration);
builder.Services.AddJwtMvcWeb(builder.Configuration);

var app = builder.Build();

await app.PrepareDatabaseAsync();
app.UseJwtMvcPipeline();

await app.RunAsync();

/// <summary>The entry point, visible to <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
