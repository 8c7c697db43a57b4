import { Module } from '@nestjs/common';
import { ImageLibraryService } from './image-library.service.js';
import { ImagesController } from './images.controller.js';
import { ImagesService } from './images.service.js';

@Module({ controllers: [ImagesController], providers: [ImagesService, ImageLibraryService] })
export class ImagesModule {}
