import { Module } from '@nestjs/common';
import { FeedsHttpModule } from '@hub/feeds';
import { ResolutionModule } from '@hub/resolution';
import { FormSubjectRepository } from './form-subject.repository';
import { FormSubmissions } from './form-submissions';
import { FORM_TEMPLATES_PROVIDER } from './form-templates.provider';
import { FormsController } from './forms.controller';
import { FormsService } from './forms.service';

/** 一表通: form templates (forms/), prefilled from the unified model. */
@Module({
  imports: [ResolutionModule, FeedsHttpModule],
  controllers: [FormsController],
  providers: [FORM_TEMPLATES_PROVIDER, FormSubjectRepository, FormsService, FormSubmissions],
})
export class FormsModule {}
